/**
 * The reader each fuzz target exercises, called directly (not through loadVolume's backstop) so a non-Lobule
 * exception escaping a reader is seen as the bug it is. Runs inside the fuzz worker process.
 */
import { readNifti } from '../../engine/io/nifti.js';
import { readNrrd } from '../../engine/io/nrrd.js';
import { readDicomSeries } from '../../engine/io/dicom/index.js';
import { readDicomSegOnto } from '../../engine/io/dicom-seg.js';
import type { Volume } from '../../engine/common/volume.js';
import { SHARED_DATA } from '../helpers/data.js';
import { join } from 'node:path';
import type { TargetName } from './targets.js';

let segReference: Promise<Volume> | undefined;

export function readTarget(target: TargetName, path: string): Promise<Volume> {
  switch (target) {
    case 'nifti':
      return readNifti(path, { volumeIndex: 0 });
    case 'nrrd':
    case 'nhdr':
      return readNrrd(path);
    case 'dicom-file':
    case 'dicom-folder':
      return readDicomSeries(path);
    case 'dicom-seg':
      segReference ??= readDicomSeries(join(SHARED_DATA, 'dcmqi/ct-3slice'));
      return segReference.then((ref) => readDicomSegOnto(path, ref));
  }
}

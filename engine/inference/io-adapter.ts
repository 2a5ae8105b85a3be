/**
 * The two file operations `segment` needs, on engine/io: a NIfTI file or a DICOM folder in (the folder read onto
 * the grid `lobule convert` writes), uint8 NIfTI out. Kept in one place so the inference code does not care.
 */
import { stat } from 'node:fs/promises';
import { LobuleError } from '../errors.js';
import type { LabelVolume, Volume, VoxelArray } from '../volume/volume.js';
import { readNifti } from '../io/nifti.js';
import { writeNifti } from '../io/nifti-write.js';
import { readDicomSeries } from '../io/dicom/index.js';

export async function loadInput(path: string): Promise<Volume<VoxelArray>> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new LobuleError('E_NOT_FOUND', `input ${path} does not exist`, 'Pass a NIfTI file (.nii, .nii.gz) or a DICOM folder');
  return info.isDirectory() ? readDicomSeries(path) : readNifti(path);
}

export async function saveLabels(path: string, labels: LabelVolume): Promise<void> {
  await writeNifti(path, labels);
}

/**
 * The two file operations `segment` needs, on engine/io. Kept in one place so the inference code does not care
 * whether the input is a NIfTI file or a DICOM folder.
 */
import { stat } from 'node:fs/promises';
import { LobuleError } from '../errors.js';
import type { LabelVolume, Volume, VoxelArray } from '../volume/volume.js';
import { readNifti } from '../io/nifti.js';
import { writeNifti } from '../io/nifti-write.js';

export async function loadInput(path: string): Promise<Volume<VoxelArray>> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new LobuleError('E_NOT_FOUND', `input ${path} does not exist`, 'Pass a NIfTI file (.nii, .nii.gz) or a DICOM folder');
  if (info.isDirectory()) {
    throw new LobuleError('E_UNSUPPORTED', `cannot read DICOM folder ${path} yet`, 'Convert it with `lobule convert` first');
  }
  return readNifti(path);
}

export async function saveLabels(path: string, labels: LabelVolume): Promise<void> {
  await writeNifti(path, labels);
}

/**
 * The two file operations `segment` needs, on engine/io: any image Lobule reads in (NIfTI, NRRD, a DICOM folder
 * or one of its files, read onto the grid `lobule convert` writes), uint8 NIfTI out.
 */
import type { LabelVolume, Volume, VoxelArray } from '../common/volume.js';
import { loadVolume } from '../io/load.js';
import { writeNifti } from '../io/nifti-write.js';

export async function loadInput(path: string): Promise<Volume<VoxelArray>> {
  return loadVolume(path);
}

export async function saveLabels(path: string, labels: LabelVolume): Promise<void> {
  await writeNifti(path, labels);
}

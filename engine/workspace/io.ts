/**
 * The only place the workspace touches volume files, through engine/io (owned by the I/O module). Kept as one
 * adapter so the workspace code does not depend on the exact shapes of those functions.
 */
export { loadVolume, loadLabelsOnto, describeGrid } from '../io/load.js';
export { readNifti } from '../io/nifti.js';
export { writeNifti } from '../io/nifti-write.js';
export { listDicomSeries } from '../io/dicom/index.js';

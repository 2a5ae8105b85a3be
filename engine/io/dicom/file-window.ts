/**
 * The opening window of a DICOM file opened on its own (not its folder): a folder import takes each series' window
 * from scanDicomSeries, a single file has no series scan, so its own WindowCenter/WindowWidth is read here. Apart from
 * window.ts because it needs loadVolume's format detection, and load.ts imports this folder's reader.
 */
import type { DisplayWindow } from '../../common/display-window.js';
import { readFileBytes } from '../bytes.js';
import { detectFormat } from '../load.js';
import { parseDicomBytes } from './parse.js';
import { displayWindowOf } from './window.js';

/** The file's window (first pair); null when it has none or is not a DICOM file (NIfTI, NRRD, a folder). */
export async function dicomFileWindow(path: string): Promise<DisplayWindow | null> {
  if ((await detectFormat(path)) !== 'dicom-file') return null;
  const file = parseDicomBytes(path, await readFileBytes(path, 'DICOM file'));
  return file ? displayWindowOf(file.dataSet) : null;
}

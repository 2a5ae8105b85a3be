// The DICOM image reader's public surface; everything else in this folder is its parts.
export {
  listDicomSeries,
  scanDicomSeries,
  readDicomSeries,
  readDicomSeriesWithReport,
  readDicomSeriesSource,
  describeSeries,
  type SeriesSummary,
  type ReadDicomOptions,
  type DicomSeriesRead,
  type DicomSource,
} from './series.js';
export { readDicomFolder, describeSkipped, type SkippedFile, type DicomFolder } from './folder.js';
export { parseDicomBytes, thrownText, type DicomFile } from './parse.js';

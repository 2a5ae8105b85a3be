export { listDicomSeries, readDicomSeries, describeSeries, type SeriesSummary, type ReadDicomOptions } from './series.js';
export { readDicomFolder } from './folder.js';
export { parseDicomBytes, type DicomFile } from './parse.js';

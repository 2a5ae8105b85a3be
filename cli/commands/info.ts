/** `lobule info`: what a file or DICOM folder holds (grid, affine, orientation, dtype, values) before anyone segments it. */
import { LobuleError } from '../../engine/errors.js';
import { IMAGE_CHOICE_OPTIONS, defineCommand, parseVolumeIndex } from './options.js';
import { detectFormat, loadVolume } from '../../engine/io/load.js';
import { readNiftiHeader } from '../../engine/io/nifti.js';
import { describeSeries, listDicomSeries, readDicomSeriesWithReport, type SeriesSummary } from '../../engine/io/dicom/index.js';
import { spacingOf } from '../../engine/common/affine.js';
import { orientationCodes } from '../../engine/common/orientation.js';
import type { Volume } from '../../engine/common/volume.js';

const USAGE = `Usage: lobule info FILE_OR_DICOM_DIR [--json] [--volume N] [--series UID]

Prints shape, voxel spacing, affine (voxel → RAS+ mm), orientation codes, data type and value range of an image
(.nii/.nii.gz, .nrrd/.nhdr, a DICOM file or a folder with a DICOM series).
  --json          one JSON object instead of text
  --volume N      which volume of a 4-D NIfTI (default 0)
  --series UID    which series of a DICOM folder with several (without it, the series are listed)`;

export function dtypeName(data: Volume['data']): string {
  return data.constructor.name
    .replace('Array', '')
    .replace(/^Uint/, 'uint')
    .replace(/^Int/, 'int')
    .replace(/^Float/, 'float');
}

export interface VolumeInfo {
  path: string;
  format: string;
  shape: number[];
  spacing: number[];
  affine: number[][];
  orientation: string;
  dtype: string;
  min: number;
  max: number;
  mean: number;
  volumes?: number;
  volumeIndex?: number;
  /** What was done to read a DICOM folder (files skipped, jitter accepted, tilt corrected), as `convert` prints them. */
  notes?: string[];
}

export function volumeInfo(path: string, format: string, vol: Volume): VolumeInfo {
  let min = Infinity,
    max = -Infinity,
    sum = 0;
  const d = vol.data;
  for (let p = 0; p < d.length; p++) {
    const v = d[p];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return {
    path,
    format,
    shape: [...vol.dims],
    spacing: spacingOf(vol.affine).map((s) => +s.toFixed(6)),
    affine: [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => +vol.affine[r * 4 + c].toFixed(6))),
    orientation: orientationCodes(vol.affine),
    dtype: dtypeName(d),
    min,
    max,
    mean: +(sum / d.length).toFixed(4),
  };
}

function printText(info: VolumeInfo): void {
  const lines = [
    `${info.path} (${info.format})`,
    `  shape        ${info.shape.join(' × ')}${
      info.volumes && info.volumes > 1 ? `  (volume ${info.volumeIndex} of ${info.volumes})` : ''
    }`,
    `  spacing      ${info.spacing.join(' × ')} mm`,
    `  orientation  ${info.orientation}`,
    `  dtype        ${info.dtype}`,
    `  range        ${info.min} … ${info.max} (mean ${info.mean})`,
    '  affine       ' + info.affine.map((row) => `[${row.join(', ')}]`).join('\n               '),
  ];
  console.log(lines.join('\n'));
}

function printSeries(path: string, series: SeriesSummary[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ path, format: 'dicom-folder', series }, null, 2));
    return;
  }
  console.log(`${path} holds ${series.length} DICOM series; choose one with --series UID:`);
  for (const s of series) console.log(`  ${describeSeries(s)}${s.isSegmentation ? ' [SEG]' : ''}`);
}

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'Show shape, spacing, affine, orientation, dtype and value range of an image',
  usage: USAGE,
  options: { json: { type: 'boolean', default: false }, ...IMAGE_CHOICE_OPTIONS },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw new LobuleError('E_INVALID_ARGUMENT', 'lobule info takes exactly one path', USAGE);
    const path = positionals[0];
    const volumeIndex = parseVolumeIndex(values.volume);
    const format = await detectFormat(path);
    if (format === 'dicom-folder' && values.series === undefined) {
      const series = await listDicomSeries(path);
      if (series.filter((s) => !s.isSegmentation).length > 1) {
        printSeries(path, series, values.json ?? false);
        return 0;
      }
    }
    let volumes: number | undefined;
    if (format === 'nifti') volumes = (await readNiftiHeader(path)).volumes;
    const dicom = format === 'dicom-folder' ? await readDicomSeriesWithReport(path, { seriesUid: values.series }) : null;
    const vol =
      dicom?.volume ??
      (await loadVolume(path, { volumeIndex: volumes && volumes > 1 ? (volumeIndex ?? 0) : volumeIndex, seriesUid: values.series }));
    const info: VolumeInfo = {
      ...volumeInfo(path, format, vol),
      ...(volumes && volumes > 1 ? { volumes, volumeIndex: volumeIndex ?? 0 } : {}),
      ...(dicom && dicom.notes.length > 0 ? { notes: dicom.notes } : {}),
    };
    if (values.json) console.log(JSON.stringify(info, null, 2));
    else printText(info);
    // on stderr, as `lobule convert` prints them: what was skipped or changed to read the series
    for (const note of dicom?.notes ?? []) console.error(`note: ${note}`);
    return 0;
  },
});

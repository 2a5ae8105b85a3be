/** One entry point for every image/label format Lobule reads, chosen by what the path is and how the file starts. */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LobuleError } from '../errors.js';
import type { LabelVolume, Volume, VoxelArray } from '../common/volume.js';
import { affinesEqual, formatAffine, invertAffine, multiplyAffines, spacingOf } from '../common/affine.js';
import { orientationCodes, permuteFlip } from '../common/orientation.js';
import { readNifti } from './nifti.js';
import { readNrrd } from './nrrd.js';
import { readDicomSeries } from './dicom/index.js';
import { notDicomReason, parseDicomBytes, SEG_SOP_CLASS } from './dicom/parse.js';
import { readFileBytes, readFileHead } from './bytes.js';
import { readDicomSegOnto } from './dicom-seg.js';
import { validateVolume } from './validate.js';

export interface LoadOptions {
  /** Volume of a 4-D NIfTI to read (0-based). */
  readonly volumeIndex?: number;
  /** SeriesInstanceUID when a DICOM folder holds several series. */
  readonly seriesUid?: string;
}

export type VolumeFormat = 'dicom-folder' | 'dicom-file' | 'nifti' | 'nrrd';

/** What kind of input `path` is, by type, extension and magic bytes. */
export async function detectFormat(path: string): Promise<VolumeFormat> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new LobuleError('E_NOT_FOUND', `'${path}' does not exist`, 'Check the path');
  }
  if (isDir) return 'dicom-folder';
  const lower = path.toLowerCase();
  if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) return 'nifti';
  if (lower.endsWith('.nrrd') || lower.endsWith('.nhdr')) return 'nrrd';
  const b = await readFileHead(path, 544, 'input file'); // refuses FIFOs and devices (opening one could block)
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'NRRD') return 'nrrd';
  if (b.length >= 132 && b.toString('latin1', 128, 132) === 'DICM') return 'dicom-file';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'nifti';
  if (b.length >= 4 && [348, 540].some((s) => b.readInt32LE(0) === s || b.readInt32BE(0) === s)) return 'nifti';
  if (notDicomReason(b) === null) return 'dicom-file'; // DICOM without the 128-byte preamble (dcm2niix reads it too)
  throw new LobuleError(
    'E_UNSUPPORTED',
    `'${path}' is not a format Lobule reads`,
    'Give a .nii/.nii.gz, .nrrd/.nhdr, a DICOM file or a folder with a DICOM series',
  );
}

/**
 * The backstop for the readers: they throw LobuleErrors themselves (and validate what they return); anything else
 * that escapes one is a reader bug, reported as a damaged input naming the file rather than as a crash.
 */
async function asLobuleError<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof LobuleError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new LobuleError(
      'E_CORRUPT',
      `'${path}' could not be read (${reason.slice(0, 300)})`,
      'The file is damaged or not an image Lobule reads; export it again',
      { cause: e },
    );
  }
}

/** Any supported image: a DICOM folder (or one of its files), NIfTI, or NRRD, validated (engine/io/validate.ts). */
export async function loadVolume(path: string, options: LoadOptions = {}): Promise<Volume> {
  return asLobuleError(path, async () => validateVolume(await loadAnyVolume(path, options), { file: path }));
}

async function loadAnyVolume(path: string, options: LoadOptions): Promise<Volume> {
  const format = await detectFormat(path);
  if (format === 'dicom-folder') return readDicomSeries(path, { seriesUid: options.seriesUid });
  if (format === 'nifti') return readNifti(path, { volumeIndex: options.volumeIndex });
  if (format === 'nrrd') return readNrrd(path);
  const file = parseDicomBytes(path, await readFileBytes(path, 'DICOM file'));
  if (file?.sopClassUid === SEG_SOP_CLASS) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `'${path}' is a DICOM segmentation, not an image`,
      'Open the image series, then load this file as its labels',
    );
  }
  // one file of a series stands for its series in the same folder
  return readDicomSeries(dirname(path), { seriesUid: options.seriesUid ?? file?.seriesUid });
}

/** uint8 labels: integer values 0..255 are kept; anything else is refused naming the value. */
function toLabels(vol: Volume, path: string): LabelVolume {
  if (vol.data instanceof Uint8Array) return vol as LabelVolume;
  const out = new Uint8Array(vol.data.length);
  const d: VoxelArray = vol.data;
  for (let p = 0; p < d.length; p++) {
    const v = d[p];
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `'${path}' is not a label map: voxel ${p} has value ${v}`,
        'Labels must be whole numbers 0..255 (0 background)',
      );
    }
    out[p] = v;
  }
  return { data: out, dims: vol.dims, affine: vol.affine };
}

export function describeGrid(v: { dims: readonly number[]; affine: ArrayLike<number> }): string {
  return `${v.dims.join('×')} voxels of ${spacingOf(v.affine)
    .map((s) => +s.toFixed(4))
    .join('×')} mm, ${orientationCodes(v.affine)}, affine ${formatAffine(v.affine)}`;
}

/**
 * Puts `labels` on `reference`'s grid when the two grids are the same voxels up to an axis permutation/flip
 * (e.g. an LPS NRRD on a dcm2niix-layout DICOM volume); the result carries the reference's affine.
 */
export function alignLabelsTo(labels: LabelVolume, reference: Volume, path: string): LabelVolume {
  const m = multiplyAffines(invertAffine(labels.affine), reference.affine); // reference voxel → label voxel
  const src: number[] = [];
  const flip: boolean[] = [];
  for (let a = 0; a < 3; a++) {
    const col = [m[a], m[4 + a], m[8 + a]];
    const s = col.findIndex((v) => Math.abs(Math.abs(v) - 1) < 1e-3);
    src.push(s);
    flip.push(s >= 0 && col[s] < 0);
  }
  const fits = src.every((s) => s >= 0) && new Set(src).size === 3;
  if (fits) {
    const moved = permuteFlip(labels, src, flip);
    const sameDims = moved.dims.every((n, a) => n === reference.dims[a]);
    const tol = 1e-3 * Math.min(...spacingOf(reference.affine));
    if (sameDims && affinesEqual(moved.affine, reference.affine, Math.max(tol, 1e-4))) {
      return { data: moved.data, dims: reference.dims, affine: Float64Array.from(reference.affine) };
    }
  }
  throw new LobuleError(
    'E_GEOMETRY',
    `labels '${path}' are not on the image's voxel grid: labels ${describeGrid(labels)}; image ${describeGrid(reference)}`,
    'Use labels drawn on this image (same voxels); resample them onto the image first if they come from another grid',
  );
}

/** Labels (NIfTI, NRRD or DICOM SEG) on the reference image's grid, as uint8, validated. */
export async function loadLabelsOnto(path: string, reference: Volume): Promise<LabelVolume> {
  return asLobuleError(path, async () => {
    const format = await detectFormat(path);
    if (format === 'dicom-folder')
      throw new LobuleError('E_INVALID_ARGUMENT', `'${path}' is a folder`, 'Give the label file (.nii.gz, .nrrd or a DICOM SEG file)');
    if (format === 'dicom-file') return readDicomSegOnto(path, reference);
    const vol = format === 'nifti' ? await readNifti(path) : await readNrrd(path);
    return validateVolume(alignLabelsTo(toLabels(vol, path), reference, path), { file: path, what: 'label file' });
  });
}

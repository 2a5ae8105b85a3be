/**
 * NIfTI-1/2 header → the facts Lobule needs, parsed with nifti-reader-js. The affine is chosen as nibabel does
 * (sform if sform_code > 0, else qform, else the pixdim-based base affine); nifti-reader-js itself prefers the qform
 * when qform_code > sform_code, so srow and the quaternion are turned into matrices here.
 */
import * as nifti from 'nifti-reader-js';
import { LobuleError } from '../errors.js';
import type { Affine } from '../common/volume.js';
import { isFiniteAffine } from '../common/affine.js';

export interface NiftiHeaderInfo {
  readonly format: 'nifti1' | 'nifti2';
  readonly littleEndian: boolean;
  /** All dimensions (dim[1..dim[0]]), e.g. [512, 512, 300] or [64, 64, 21, 1]. */
  readonly shape: number[];
  readonly datatypeCode: number;
  readonly datatype: string;
  readonly voxOffset: number;
  /** Scaling to apply, or null when the header says none (slope 0/NaN, or slope 1 with intercept 0). */
  readonly scaling: { slope: number; inter: number } | null;
  readonly qformCode: number;
  readonly sformCode: number;
  readonly pixdim: number[];
  readonly affine: Affine;
  /** How many 3-D volumes the file holds (product of dims 4..7). */
  readonly volumes: number;
  readonly description: string;
}

export interface NiftiDatatype {
  readonly name: string;
  readonly bytes: number;
}

export const NIFTI_DATATYPES: Readonly<Record<number, NiftiDatatype>> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
  1024: { name: 'int64', bytes: 8 },
  1280: { name: 'uint64', bytes: 8 },
};

const UNSUPPORTED_TYPES: Record<number, string> = {
  1: 'binary (1-bit)',
  32: 'complex64',
  128: 'rgb24',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'rgba32',
};

function corrupt(path: string, problem: string): LobuleError {
  return new LobuleError(
    'E_CORRUPT',
    `'${path}' is not a readable NIfTI file: ${problem}`,
    'Check that the file is a complete NIfTI-1/2 image (.nii or .nii.gz); export it again if it was damaged',
  );
}

/** Detects NIfTI-1 (348) or NIfTI-2 (540) by sizeof_hdr in either byte order. */
function detectFormat(bytes: Uint8Array, path: string): { format: 'nifti1' | 'nifti2'; little: boolean } {
  if (bytes.length < 348) throw corrupt(path, `only ${bytes.length} bytes, shorter than a NIfTI header (348)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const little of [true, false]) {
    const size = view.getInt32(0, little);
    if (size === 348) {
      const magic = String.fromCharCode(bytes[344], bytes[345], bytes[346]);
      if (magic === 'ni1')
        throw new LobuleError(
          'E_UNSUPPORTED',
          `'${path}' is the header of a .hdr/.img pair`,
          'Convert the pair to a single .nii.gz first (e.g. with fslchfiletype or nibabel)',
        );
      if (magic !== 'n+1') throw corrupt(path, `bad magic '${magic.replace(/[^\x20-\x7e]/g, '?')}' (expected 'n+1')`);
      return { format: 'nifti1', little };
    }
    if (size === 540) {
      if (bytes.length < 540) throw corrupt(path, 'NIfTI-2 header is truncated');
      const magic = String.fromCharCode(bytes[4], bytes[5], bytes[6]);
      if (magic !== 'n+2') throw corrupt(path, `bad magic '${magic.replace(/[^\x20-\x7e]/g, '?')}' (expected 'n+2')`);
      return { format: 'nifti2', little };
    }
  }
  throw corrupt(path, 'bad magic: the header size field is neither 348 (NIfTI-1) nor 540 (NIfTI-2)');
}

function readSrow(view: DataView, format: 'nifti1' | 'nifti2', little: boolean): number[] {
  const out: number[] = [];
  for (let n = 0; n < 12; n++) {
    out.push(format === 'nifti1' ? view.getFloat32(280 + 4 * n, little) : view.getFloat64(400 + 8 * n, little));
  }
  return [...out, 0, 0, 0, 1];
}

/** nibabel's get_qform: quaternion (b,c,d with a ≥ 0 recovered), pixdim zooms, qfac from pixdim[0]. */
function qformAffine(h: nifti.NIFTI1 | nifti.NIFTI2): number[] {
  const b = h.quatern_b,
    c = h.quatern_c,
    d = h.quatern_d;
  const w2 = 1 - (b * b + c * c + d * d);
  const a = w2 < 0 ? 0 : Math.sqrt(w2);
  const n = a * a + b * b + c * c + d * d;
  const s = n > 0 ? 2 / n : 0;
  const r = [
    1 - s * (c * c + d * d),
    s * (b * c - a * d),
    s * (b * d + a * c),
    s * (b * c + a * d),
    1 - s * (b * b + d * d),
    s * (c * d - a * b),
    s * (b * d - a * c),
    s * (c * d + a * b),
    1 - s * (b * b + c * c),
  ];
  const qfac = h.pixDims[0] < 0 ? -1 : 1;
  const z = [h.pixDims[1], h.pixDims[2], h.pixDims[3] * qfac];
  const off = [h.qoffset_x, h.qoffset_y, h.qoffset_z];
  const out: number[] = [];
  for (let row = 0; row < 3; row++) out.push(r[row * 3] * z[0], r[row * 3 + 1] * z[1], r[row * 3 + 2] * z[2], off[row]);
  return [...out, 0, 0, 0, 1];
}

/** nibabel's shape_zoom_affine: x flipped, origin at the volume centre. */
function baseAffine(shape: number[], pixdim: number[]): number[] {
  const z = [0, 1, 2].map((a) => pixdim[a + 1] || 1);
  z[0] = -z[0];
  const s = [0, 1, 2].map((a) => shape[a] ?? 1);
  return [z[0], 0, 0, -((s[0] - 1) / 2) * z[0], 0, z[1], 0, -((s[1] - 1) / 2) * z[1], 0, 0, z[2], -((s[2] - 1) / 2) * z[2], 0, 0, 0, 1];
}

/** Parses the header at the start of `bytes` (the whole file or at least its first 540 bytes). */
export function parseNiftiHeader(bytes: Uint8Array, path: string): NiftiHeaderInfo {
  const { format, little } = detectFormat(bytes, path);
  const headerLength = format === 'nifti1' ? 348 : 540;
  // exactly the fixed header: nifti-reader-js then skips extensions, which Lobule does not need
  // a copy in its own ArrayBuffer (Buffer#slice would be a view on a possibly pooled, offset buffer)
  const headerCopy = new Uint8Array(bytes.subarray(0, headerLength));
  let h: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    h = nifti.readHeader(headerCopy.buffer as ArrayBuffer);
  } catch (e) {
    throw corrupt(path, e instanceof Error ? e.message : String(e));
  }
  const ndim = h.dims[0];
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) throw corrupt(path, `dim[0] = ${ndim} is not between 1 and 7`);
  const shape = h.dims.slice(1, ndim + 1).map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    throw corrupt(path, `zero or negative dimension in [${shape.join(', ')}]`);
  }
  const view = new DataView(headerCopy.buffer);
  let affine: number[];
  if (h.sform_code > 0) affine = readSrow(view, format, little);
  else if (h.qform_code > 0) affine = qformAffine(h);
  else affine = baseAffine(shape, h.pixDims);
  if (!isFiniteAffine(affine))
    throw corrupt(path, `its voxel-to-world affine has non-finite entries ${JSON.stringify(affine.slice(0, 12))}`);
  const slope = h.scl_slope,
    inter = h.scl_inter;
  const scaling =
    Number.isFinite(slope) && slope !== 0 && !(slope === 1 && (inter === 0 || !Number.isFinite(inter)))
      ? { slope, inter: Number.isFinite(inter) ? inter : 0 }
      : null;
  const known = NIFTI_DATATYPES[h.datatypeCode];
  return {
    format,
    littleEndian: little,
    shape,
    datatypeCode: h.datatypeCode,
    datatype: known?.name ?? UNSUPPORTED_TYPES[h.datatypeCode] ?? `code ${h.datatypeCode}`,
    voxOffset: Number(h.vox_offset),
    scaling,
    qformCode: h.qform_code,
    sformCode: h.sform_code,
    pixdim: h.pixDims.map(Number),
    affine: Float64Array.from(affine),
    volumes: shape.slice(3).reduce((p, n) => p * n, 1),
    description: h.description.replace(/\0.*$/s, ''),
  };
}

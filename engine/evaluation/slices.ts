/**
 * Which axial slices of a case show the model's worst errors, and a picture of each: the CT in a soft-tissue
 * window with the reference outline (green), the prediction outline (magenta), white where they coincide, in radiological view
 * (patient's right on the left, anterior up) whatever the voxel order of the file.
 */
import { axisOrientations } from '../common/orientation.js';
import type { Affine, Dims3, VoxelArray } from '../common/volume.js';
import { encodePng } from './png.js';

/** The voxel axes that run along world x, y and z (the axial slice axis), with their directions. */
interface AxialFrame {
  readonly col: { axis: number; flip: boolean };
  readonly row: { axis: number; flip: boolean };
  readonly sliceAxis: number;
}

export function axialFrame(affine: Affine): AxialFrame {
  const o = axisOrientations(affine);
  const along = (w: number) => o.findIndex((a) => a.worldAxis === w);
  const [x, y, z] = [along(0), along(1), along(2)];
  // Radiological view: column 0 is the patient's right (largest x), row 0 is anterior (largest y).
  return { col: { axis: x, flip: o[x].sign > 0 }, row: { axis: y, flip: o[y].sign > 0 }, sliceAxis: z };
}

function strides(dims: Dims3): [number, number, number] {
  return [1, dims[0], dims[0] * dims[1]];
}

/** Per axial slice (index along the slice axis): voxels where prediction and reference disagree on any of `values`. */
export function disagreementPerSlice(
  pred: Uint8Array,
  ref: Uint8Array,
  dims: Dims3,
  affine: Affine,
  values: readonly number[],
): Int32Array {
  const { sliceAxis } = axialFrame(affine);
  const st = strides(dims);
  const counts = new Int32Array(dims[sliceAxis]);
  const wanted = new Uint8Array(256);
  for (const v of values) wanted[v] = 1;
  for (let idx = 0; idx < pred.length; idx++) {
    const a = pred[idx];
    const b = ref[idx];
    if (a !== b && (wanted[a] || wanted[b])) counts[Math.floor(idx / st[sliceAxis]) % dims[sliceAxis]]++;
  }
  return counts;
}

/** Up to `n` slices with the most disagreement (most first), at least 2 slices apart; none when all agree. */
export function worstSlices(counts: Int32Array, n = 3): number[] {
  const order = [...counts.keys()].filter((k) => counts[k] > 0).sort((a, b) => counts[b] - counts[a] || a - b);
  const out: number[] = [];
  for (const k of order) {
    if (out.length >= n) break;
    if (out.every((o) => Math.abs(o - k) >= 2)) out.push(k);
  }
  return out;
}

export interface SliceImage {
  readonly width: number;
  readonly height: number;
  readonly png: Buffer;
}

const REFERENCE_RGB = [40, 220, 90] as const;
const PREDICTION_RGB = [240, 60, 220] as const;
/** Where both outlines fall on the same pixel. */
const BOTH_RGB = [255, 255, 255] as const;
/** Soft-tissue window, HU. */
const WINDOW = { low: -160, high: 240 } as const;

/**
 * Renders axial slice `k` (index along the slice axis) about `maxSide` pixels on its longer side (nearest
 * neighbour, small slices enlarged up to 4×: outlines are drawn one pixel wide on the picture's own grid), with the
 * outlines of `values` in both label volumes.
 */
export function renderSlice(
  image: VoxelArray,
  pred: Uint8Array,
  ref: Uint8Array,
  dims: Dims3,
  affine: Affine,
  k: number,
  values: readonly number[],
  maxSide = 256,
): SliceImage {
  const { col, row, sliceAxis } = axialFrame(affine);
  const st = strides(dims);
  const nc = dims[col.axis];
  const nr = dims[row.axis];
  const scale = Math.min(4, maxSide / Math.max(nc, nr));
  const width = Math.max(1, Math.round(nc * scale));
  const height = Math.max(1, Math.round(nr * scale));
  const wanted = new Uint8Array(256);
  for (const v of values) wanted[v] = 1;
  const voxel = (c: number, r: number) => {
    const ci = col.flip ? nc - 1 - c : c;
    const ri = row.flip ? nr - 1 - r : r;
    return ci * st[col.axis] + ri * st[row.axis] + k * st[sliceAxis];
  };
  // An outline pixel is inside the mask with a 4-neighbour (in the thumbnail's own grid) outside it.
  const maskAt = (labels: Uint8Array, x: number, y: number) =>
    x >= 0 &&
    y >= 0 &&
    x < width &&
    y < height &&
    wanted[labels[voxel(Math.min(nc - 1, Math.floor(x / scale)), Math.min(nr - 1, Math.floor(y / scale)))]] === 1;
  const edge = (labels: Uint8Array, x: number, y: number) =>
    maskAt(labels, x, y) && !(maskAt(labels, x - 1, y) && maskAt(labels, x + 1, y) && maskAt(labels, x, y - 1) && maskAt(labels, x, y + 1));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const hu = Number(image[voxel(Math.min(nc - 1, Math.floor(x / scale)), Math.min(nr - 1, Math.floor(y / scale)))]);
      const g = Math.round((255 * (Math.min(WINDOW.high, Math.max(WINDOW.low, hu)) - WINDOW.low)) / (WINDOW.high - WINDOW.low));
      const pe = edge(pred, x, y);
      const re = edge(ref, x, y);
      const colour = pe && re ? BOTH_RGB : pe ? PREDICTION_RGB : re ? REFERENCE_RGB : [g, g, g];
      rgb.set(colour, (y * width + x) * 3);
    }
  }
  return { width, height, png: encodePng(rgb, width, height) };
}

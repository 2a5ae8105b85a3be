/**
 * Orientation codes and reorientation by pure axis permutation/flip (no interpolation), following nibabel's
 * io_orientation / aff2axcodes / as_closest_canonical so our codes agree with the field's reference.
 */
import type { Affine, Dims3, Volume, VoxelArray } from './volume.js';
import { multiplyAffines } from './affine.js';

/** For each voxel axis: which world axis (0 = x/R, 1 = y/A, 2 = z/S) it runs along, and in which direction. */
export interface AxisOrientation {
  readonly worldAxis: number;
  readonly sign: 1 | -1;
}

const POSITIVE = ['R', 'A', 'S'];
const NEGATIVE = ['L', 'P', 'I'];

/** Closest orthogonal matrix of a row-major 3×3 (polar factor; nibabel uses the SVD, which gives the same matrix). */
export function polarFactor(m: number[]): number[] {
  let r = m.slice();
  for (let it = 0; it < 100; it++) {
    const inv = invert3(r);
    if (!inv) return m;
    // Newton iteration R ← (R + R^-T) / 2 converges quadratically to the orthogonal polar factor.
    const next = r.map((v, n) => 0.5 * (v + inv[(n % 3) * 3 + Math.floor(n / 3)]));
    const delta = next.reduce((s, v, n) => s + Math.abs(v - r[n]), 0);
    r = next;
    if (delta < 1e-14) break;
  }
  return r;
}

function invert3(m: number[]): number[] | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  return [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ];
}

/** nibabel's io_orientation: greedy assignment of voxel axes to world axes on the rotation part of the affine. */
export function axisOrientations(affine: ArrayLike<number>): AxisOrientation[] {
  const rs: number[] = [];
  const zooms = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c]) || 1);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) rs.push(affine[r * 4 + c] / zooms[c]);
  const rot = polarFactor(rs);
  const out: AxisOrientation[] = [];
  for (let c = 0; c < 3; c++) {
    let best = 0;
    for (let r = 1; r < 3; r++) if (Math.abs(rot[r * 3 + c]) > Math.abs(rot[best * 3 + c])) best = r;
    out.push({ worldAxis: best, sign: rot[best * 3 + c] < 0 ? -1 : 1 });
    for (let cc = 0; cc < 3; cc++) rot[best * 3 + cc] = 0;
  }
  return out;
}

/** nibabel's aff2axcodes, e.g. 'RAS', 'LAS', 'LPS': the world direction each voxel axis increases towards. */
export function orientationCodes(affine: ArrayLike<number>): string {
  return axisOrientations(affine)
    .map((o) => (o.sign > 0 ? POSITIVE : NEGATIVE)[o.worldAxis])
    .join('');
}

function parseCodes(codes: string): AxisOrientation[] {
  const up = codes.toUpperCase();
  if (up.length !== 3) throw new RangeError(`orientation codes must be three letters like 'RAS', got '${codes}'`);
  const out = [...up].map((ch) => {
    const pos = POSITIVE.indexOf(ch);
    const neg = NEGATIVE.indexOf(ch);
    if (pos < 0 && neg < 0) throw new RangeError(`orientation code '${ch}' in '${codes}' is not one of RLAPSI`);
    return { worldAxis: pos >= 0 ? pos : neg, sign: (pos >= 0 ? 1 : -1) as 1 | -1 };
  });
  if (new Set(out.map((o) => o.worldAxis)).size !== 3) throw new RangeError(`orientation codes '${codes}' repeat a world axis`);
  return out;
}

/**
 * Permutes/flips axes so that voxel axis a of the result runs along target code a (nibabel's
 * as_closest_canonical is reorient(vol, 'RAS')). Every voxel keeps its world
 * position: the affine is updated by the same index transform.
 */
export function reorient<T extends VoxelArray>(vol: Volume<T>, codes: string): Volume<T> {
  const target = parseCodes(codes);
  const current = axisOrientations(vol.affine);
  const src: number[] = [];
  const flip: boolean[] = [];
  for (const t of target) {
    const s = current.findIndex((o) => o.worldAxis === t.worldAxis);
    src.push(s);
    flip.push(current[s].sign !== t.sign);
  }
  return permuteFlip(vol, src, flip);
}

/**
 * Output axis a takes input axis src[a], reversed when flip[a]. Exposed for callers that need the inverse mapping
 * (e.g. putting a result computed on a canonical copy back onto the original grid).
 */
export function permuteFlip<T extends VoxelArray>(vol: Volume<T>, src: number[], flip: boolean[]): Volume<T> {
  const inDims = vol.dims;
  const inStride = [1, inDims[0], inDims[0] * inDims[1]];
  const dims: Dims3 = [inDims[src[0]], inDims[src[1]], inDims[src[2]]];
  // index transform T: old voxel = T · new voxel; new affine = old affine · T
  const t = new Float64Array(16);
  t[15] = 1;
  let base = 0;
  const stride = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const s = src[a];
    if (flip[a]) {
      t[s * 4 + a] = -1;
      t[s * 4 + 3] = inDims[s] - 1;
      base += (inDims[s] - 1) * inStride[s];
      stride[a] = -inStride[s];
    } else {
      t[s * 4 + a] = 1;
      stride[a] = inStride[s];
    }
  }
  const affine: Affine = multiplyAffines(vol.affine, t);
  const identity = src[0] === 0 && src[1] === 1 && src[2] === 2 && !flip.some(Boolean);
  if (identity) return { data: vol.data, dims, affine };
  const input = vol.data;
  const out = new (input.constructor as new (n: number) => T)(input.length);
  const [nx, ny, nz] = dims;
  const [s0, s1, s2] = stride;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let p = base + k * s2 + j * s1;
      if (s0 === 1) {
        // rows keep their x order: one block copy per row
        out.set(input.subarray(p, p + nx) as T, o);
        o += nx;
        continue;
      }
      for (let i = 0; i < nx; i++, p += s0) out[o++] = input[p];
    }
  }
  return { data: out, dims, affine };
}

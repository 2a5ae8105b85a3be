/**
 * A faster slice read for Cornerstone's CPU planar views (used without a GPU, cornerstoneSetup.ts). Cornerstone
 * copies an axis-aligned source slice voxel by voxel through the volume's voxel manager (`getAtIJK`, a slice lookup
 * and several calls per voxel): the largest JavaScript cost of a slice step here. The viewer's volumes share one
 * typed array with their slices (volumeFactory.ts), so this reads that array directly with a stride, which gives the
 * same pixels. Volumes without a shared array, and slices that are not axis-aligned or lie between two voxel planes,
 * go to Cornerstone's own code. Installed on Cornerstone's sampler class through an instance that its public
 * `createDefaultPlanarRenderPaths` makes; if that shape ever changes, nothing is installed and Cornerstone's code
 * runs unchanged.
 */
import { createDefaultPlanarRenderPaths, Enums, utilities as csUtils } from '@cornerstonejs/core';
import { sharedScalarsOf } from './volumeFactory.js';

type Vec3 = readonly [number, number, number] | number[];

interface SampledVolume {
  readonly dimensions: Vec3;
  readonly spacing: Vec3;
  readonly origin: Vec3;
  readonly direction: ArrayLike<number>;
  readonly voxelManager?: object;
}

/** Cornerstone's sampler methods used here (PlanarCPUVolumeSampler, 5.14). */
interface Sampler {
  getVolumeNumberOfComponents(volume: SampledVolume): number;
  shouldPreserveFloatScalarSamples(volume: SampledVolume): boolean;
  getFallbackStoredRange(volume: SampledVolume): { min: number; max: number };
  getSliceArrayConstructor(volume: SampledVolume, min: number, max: number, components: number, preserveFloat: boolean): SliceArrayType;
  acquireSliceArray(type: SliceArrayType, length: number): SliceArray;
}
type SliceArray = Int16Array | Uint16Array | Int32Array | Float32Array | Uint8Array;
type SliceArrayType = new (length: number) => SliceArray;
type OrthogonalRead = (
  this: Sampler,
  volume: SampledVolume,
  camera: { focalPoint: Vec3 },
  right: Vec3,
  up: Vec3,
  normal: Vec3,
  interpolation: unknown,
) => unknown;

/** Cornerstone's tolerances: an axis is "major" above this cosine; a slice index this close to an integer is on it. */
const MAJOR_AXIS = 0.995;
const ON_SLICE = 1e-4;

let installed = false;

/** Puts the faster read in place of Cornerstone's (once; a no-op where the sampler is not found). */
export function installFastCpuSliceSampler(): void {
  if (installed) return;
  installed = true;
  const path = createDefaultPlanarRenderPaths().find((p) => (p as { id?: string }).id === 'planar:cpu-volume-slice') as
    | { createRenderPath(): { sampler?: object } }
    | undefined;
  const sampler = path?.createRenderPath().sampler;
  const proto = sampler && (Object.getPrototypeOf(sampler) as { trySampleOrthogonalSliceFromVoxelManager?: OrthogonalRead });
  const original = proto?.trySampleOrthogonalSliceFromVoxelManager;
  if (!proto || typeof original !== 'function') return;
  proto.trySampleOrthogonalSliceFromVoxelManager = function (this: Sampler, volume, camera, right, up, normal, interpolation) {
    const data = volume.voxelManager && sharedScalarsOf(volume.voxelManager);
    if (!data || this.getVolumeNumberOfComponents(volume) !== 1)
      return original.call(this, volume, camera, right, up, normal, interpolation);
    return readSlice.call(this, data, volume, camera.focalPoint, right, up, normal, interpolation === Enums.InterpolationType.NEAREST);
  };
}

/** The index axis a world direction runs along, and its sign (as Cornerstone's getIndexMajorAxis). */
function majorAxis(direction: ArrayLike<number>, v: Vec3): { axis: number; sign: 1 | -1 } | undefined {
  const c = [0, 1, 2].map((a) => direction[3 * a] * v[0] + direction[3 * a + 1] * v[1] + direction[3 * a + 2] * v[2]);
  const abs = c.map(Math.abs);
  const axis = abs.indexOf(Math.max(...abs));
  if (abs[axis] < MAJOR_AXIS || abs.some((x, a) => a !== axis && x > 1 - MAJOR_AXIS)) return undefined;
  return { axis, sign: c[axis] >= 0 ? 1 : -1 };
}

/** Cornerstone's orthogonal source slice (same fields and pixels), read straight from the volume's array. */
function readSlice(
  this: Sampler,
  data: ArrayLike<number>,
  volume: SampledVolume,
  focalPoint: Vec3,
  right: Vec3,
  up: Vec3,
  normal: Vec3,
  nearest: boolean,
): unknown {
  const [n, r, u] = [normal, right, up].map((v) => majorAxis(volume.direction, v));
  if (!n || !r || !u || n.axis === r.axis || n.axis === u.axis || r.axis === u.axis) return undefined;
  const dims = volume.dimensions;
  const index = csUtils.VoxelManager.worldToIndexContinuous(volume as never, focalPoint as never) as unknown as Vec3;
  const at = index[n.axis];
  if (at < -0.5 - ON_SLICE || at > dims[n.axis] - 0.5 + ON_SLICE) return undefined;
  if (!nearest && Math.abs(at - Math.round(at)) > ON_SLICE) return undefined;
  const k = nearest ? Math.min(dims[n.axis] - 1, Math.max(0, Math.floor(at + 0.5 - 1e-6))) : Math.round(at);
  if (k < 0 || k >= dims[n.axis]) return undefined;

  const width = dims[r.axis];
  const height = dims[u.axis];
  const preserveFloat = this.shouldPreserveFloatScalarSamples(volume);
  const fallback = this.getFallbackStoredRange(volume);
  const out = this.acquireSliceArray(this.getSliceArrayConstructor(volume, fallback.min, fallback.max, 1, preserveFloat), width * height);
  const strides = [1, dims[0], dims[0] * dims[1]];
  // Rows run down the screen (against `up`), columns along `right`.
  const step = r.sign * strides[r.axis];
  const rowStep = -u.sign * strides[u.axis];
  const rowStart =
    k * strides[n.axis] + (r.sign > 0 ? 0 : (width - 1) * strides[r.axis]) + (u.sign > 0 ? (height - 1) * strides[u.axis] : 0);
  const walk: SliceWalk = { width, height, rowStart, rowStep, step };
  const { min, max } =
    isIntegerArray(data) && !(out instanceof Float32Array)
      ? copyIntegers(data, out, walk, fallback)
      : copyClamped(data, out, walk, fallback);
  const ref = [(dims[0] - 1) / 2, (dims[1] - 1) / 2, (dims[2] - 1) / 2];
  ref[n.axis] = k;
  const d = volume.direction;
  const s = volume.spacing;
  const translationReferenceFocalPoint = [0, 1, 2].map(
    (c) => volume.origin[c] + d[c] * s[0] * ref[0] + d[3 + c] * s[1] * ref[1] + d[6 + c] * s[2] * ref[2],
  );
  return {
    scalarData: out,
    width,
    height,
    columnPixelSpacing: s[r.axis],
    rowPixelSpacing: s[u.axis],
    minPixelValue: preserveFloat ? min : Math.floor(min),
    maxPixelValue: preserveFloat ? max : Math.ceil(max),
    numberOfComponents: 1,
    translationReferenceFocalPoint,
  };
}

type ValueRange = { min: number; max: number };

/** Where a slice's pixels lie in the volume array: the first row's first voxel, and the steps along a row and down. */
interface SliceWalk {
  readonly width: number;
  readonly height: number;
  readonly rowStart: number;
  readonly rowStep: number;
  readonly step: number;
}

type IntegerArray = Int16Array | Uint16Array | Uint8Array | Int8Array | Int32Array | Uint32Array;

function isIntegerArray(data: ArrayLike<number>): data is IntegerArray {
  return (
    data instanceof Int16Array ||
    data instanceof Uint16Array ||
    data instanceof Uint8Array ||
    data instanceof Int8Array ||
    data instanceof Int32Array ||
    data instanceof Uint32Array
  );
}

/**
 * Integer voxels into an integer slice: no clamping or rounding to do (the stored range, from the host, holds every
 * voxel), and a run of voxels along the row is one typed-array copy. The slice's range is the volume's: Cornerstone
 * uses it only to index its W/L lookup table, which any range holding the values serves.
 */
function copyIntegers(data: IntegerArray, out: SliceArray, walk: SliceWalk, range: ValueRange): ValueRange {
  const { width, height, rowStart, rowStep, step } = walk;
  if (step === 1) {
    for (let y = 0, p = 0, i = rowStart; y < height; y++, p += width, i += rowStep) out.set(data.subarray(i, i + width), p);
  } else {
    let p = 0;
    for (let y = 0, row = rowStart; y < height; y++, row += rowStep) for (let x = 0, i = row; x < width; x++, i += step) out[p++] = data[i];
  }
  return { min: range.min, max: Math.max(range.max, range.min + 1) };
}

/** Float voxels (or a float slice): clamped to the stored range and rounded for an integer slice, as Cornerstone does. */
function copyClamped(data: ArrayLike<number>, out: SliceArray, walk: SliceWalk, range: ValueRange): ValueRange {
  const { width, height, rowStart, rowStep, step } = walk;
  const round = !(out instanceof Float32Array);
  const { min: lo, max: hi } = range;
  let min = Infinity;
  let max = -Infinity;
  let p = 0;
  for (let y = 0, row = rowStart; y < height; y++, row += rowStep) {
    for (let x = 0, i = row; x < width; x++, i += step) {
      const s = data[i];
      let v = s < lo ? lo : s > hi ? hi : s;
      if (v !== v)
        v = lo; // NaN
      else if (round) v = Math.round(v);
      out[p++] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min)) min = lo;
  if (!Number.isFinite(max) || max <= min) max = Math.max(min + 1, hi);
  return { min, max };
}

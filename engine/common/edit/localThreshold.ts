/**
 * Local AI correction: inside a region the user marks around a mis-segmented spot (balls around clicks or along a
 * drag), the selected segment becomes the model's own answer at a threshold the user picks, read from the
 * probabilities the last auto-segment stored (engine/inference/probability-map.ts), so the network never runs
 * twice. Outside the region nothing changes; inside, the edit policy decides as for every other effect.
 */
import { boxSize, cropToBox, type Box, type LabelGrid, type Spacing } from './grid.js';
import { commitMembership, NO_CHANGE, VoxelFilter, type EditPolicy, type EditResult, type VoxelWriter } from './policy.js';

/** The stored maps of a case: one box-sized uint8 map per label value, i fastest; byte = round(p × scale). */
export interface StoredProbabilities {
  readonly box: Box;
  readonly values: readonly number[];
  readonly data: Uint8Array;
  readonly scale: number;
}

/** Balls of `radiusMm` around continuous voxel indices (a click, or the points of a drag). */
export interface CorrectionRegion {
  readonly centres: readonly (readonly [number, number, number])[];
  readonly radiusMm: number;
}

/** The map of label `value`, or null when the model that ran has no such label. */
export function probabilityMapOf(maps: StoredProbabilities, value: number): Uint8Array | null {
  const c = maps.values.indexOf(value);
  if (c < 0) return null;
  const n = boxSize(maps.box).reduce((a, b) => a * b, 1);
  return maps.data.subarray(c * n, (c + 1) * n);
}

/** The box of the region's balls, clamped to the volume; null when it lies outside. */
export function regionBox(region: CorrectionRegion, dims: LabelGrid['dims'], spacing: Spacing): Box | null {
  if (region.centres.length === 0 || !(region.radiusMm > 0)) return null;
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const c of region.centres) {
    for (let a = 0; a < 3; a++) {
      const r = region.radiusMm / spacing[a];
      min[a] = Math.min(min[a], Math.max(0, Math.ceil(c[a] - r)));
      max[a] = Math.max(max[a], Math.min(dims[a] - 1, Math.floor(c[a] + r)));
    }
  }
  return min.every((v, a) => v <= max[a]) ? { min: min as [number, number, number], max: max as [number, number, number] } : null;
}

/**
 * Inside the region, makes segment `target` exactly the voxels whose probability of `target` exceeds `threshold`
 * (0…1, as the model's own decision rule: p > threshold). @throws RangeError when the maps have no map of target.
 */
export function applyLocalThreshold(
  grid: LabelGrid,
  maps: StoredProbabilities,
  target: number,
  region: CorrectionRegion,
  threshold: number,
  policy: EditPolicy,
  write: VoxelWriter,
): EditResult {
  const map = probabilityMapOf(maps, target);
  if (!map) throw new RangeError(`the last auto-segment has no probabilities for segment ${target} (it gave ${maps.values.join(', ')})`);
  const box = regionBox(region, grid.dims, grid.spacing);
  if (!box) return NO_CHANGE;
  const [bx, by, bz] = boxSize(box);
  // Voxels outside the region keep their membership: `want` starts as the current one.
  const want = cropToBox(grid.labels, grid.dims, box, (v) => v === target);
  const inside = new Uint8Array(want.length);
  const r2 = region.radiusMm * region.radiusMm;
  const [sx, sy, sz] = grid.spacing;
  for (const c of region.centres) {
    for (let k = 0; k < bz; k++) {
      const dz = (box.min[2] + k - c[2]) * sz;
      if (dz * dz > r2) continue;
      for (let j = 0; j < by; j++) {
        const dy = (box.min[1] + j - c[1]) * sy;
        if (dz * dz + dy * dy > r2) continue;
        let q = bx * (j + by * k);
        for (let i = 0; i < bx; i++, q++) {
          const dx = (box.min[0] + i - c[0]) * sx;
          if (dx * dx + dy * dy + dz * dz <= r2) inside[q] = 1;
        }
      }
    }
  }
  const cut = threshold * maps.scale;
  const mb = maps.box;
  const [mx, my] = boxSize(mb);
  let q = 0;
  for (let k = 0; k < bz; k++) {
    const z = box.min[2] + k - mb.min[2];
    for (let j = 0; j < by; j++) {
      const y = box.min[1] + j - mb.min[1];
      const rowInMaps = z >= 0 && z <= mb.max[2] - mb.min[2] && y >= 0 && y <= mb.max[1] - mb.min[1];
      for (let i = 0; i < bx; i++, q++) {
        if (inside[q] === 0) continue;
        const x = box.min[0] + i - mb.min[0];
        const p = rowInMaps && x >= 0 && x < mx ? map[x + mx * (y + my * z)] : 0;
        want[q] = p > cut ? 1 : 0;
      }
    }
  }
  return commitMembership(grid, box, want, target, new VoxelFilter(policy, [target]), write);
}

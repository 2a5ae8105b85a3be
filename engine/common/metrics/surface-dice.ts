/**
 * Normalized surface Dice as defined by DeepMind's surface-distance package (Nikolov et al. 2018,
 * compute_surface_distances + compute_surface_dice_at_tolerance), the NSD Lobule reports: surfaces are made of
 * surfels weighted by their area in mm², so a coarse slice direction does not over-count boundary voxels.
 *
 * Definition (implemented here from the published description, not from their code):
 * - surfels live on the grid of 2×2×2 voxel cubes: cube (a, b, c) has the voxels (a−1..a, b−1..b, c−1..c) as
 *   corners, voxels beyond the masks' box counting as outside (DeepMind crops to the joint bounding box and pads
 *   one voxel, which gives the same cubes). A cube is a surfel when its corners are neither all in nor all out;
 *   its position is the cube's centre, i.e. a voxel corner, and distances are measured between those positions.
 * - a surfel's area is the area, on the anisotropic grid, of the marching-cubes triangles of its corner
 *   configuration with vertices at edge midpoints: Σ |n_spacing| / 2, n = the triangle's edge cross product in
 *   voxel units, n_spacing = (n_x·s_y·s_z, n_y·s_x·s_z, n_z·s_x·s_y).
 * - distance of a surfel to the other mask = Euclidean distance in mm to the nearest surfel of the other mask
 *   (the exact anisotropic EDT of its surfel grid).
 * - NSD(τ) = (area of pred surfels within τ of ref + area of ref surfels within τ of pred) / (total area of both).
 * Empty masks follow compareMasks (both empty 1, one empty 0; DeepMind gives NaN and 0).
 *
 * The triangles come from the classic marching-cubes case table that ships in @kitware/vtk.js (imported, not
 * copied); the per-configuration cross products are derived from it once at load. The surfel and area code is
 * hand-written because no browser-safe library computes area-weighted surface distances on an anisotropic grid.
 */
/// <reference path="./vtk-case-table.d.ts" />
import caseTable from '@kitware/vtk.js/Filters/General/ImageMarchingCubes/caseTable.js';
import { squaredDistanceTransform, type BoxDims, type Spacing3 } from '../distance-transform.js';

/** Per configuration (bit v = corner v inside, corner v at (v&1, v>>1&1, v>>2&1)): its triangles' cross products. */
const CROSS_PRODUCTS: readonly (readonly (readonly [number, number, number])[])[] = buildCrossProducts();

function buildCrossProducts(): (readonly [number, number, number])[][] {
  const corner = (v: number) => [v & 1, (v >> 1) & 1, (v >> 2) & 1];
  const midpoint = (eid: number) => {
    const [a, b] = caseTable.getEdge(eid);
    const [pa, pb] = [corner(a), corner(b)];
    return [0, 1, 2].map((d) => (pa[d] + pb[d]) / 2);
  };
  // The case index's bit b is corner HEX_TO_VOXEL[b] (vtk.js's ImageMarchingCubes numbers case bits around each face
  // like a hexahedron, its edges by voxel corners); the table built here is indexed by voxel-corner bits.
  const HEX_TO_VOXEL = [0, 1, 3, 2, 4, 5, 7, 6];
  const table: (readonly [number, number, number])[][] = [];
  for (let code = 0; code < 256; code++) {
    let caseIndex = 0;
    for (let b = 0; b < 8; b++) caseIndex |= ((code >> HEX_TO_VOXEL[b]) & 1) << b;
    const edges = caseTable.getCase(caseIndex);
    const tris: (readonly [number, number, number])[] = [];
    for (let t = 0; t + 2 < edges.length && edges[t] >= 0; t += 3) {
      const [p, q, r] = [midpoint(edges[t]), midpoint(edges[t + 1]), midpoint(edges[t + 2])];
      const u = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
      const w = [r[0] - p[0], r[1] - p[1], r[2] - p[2]];
      tris.push([u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]]);
    }
    table.push(tris);
  }
  return table;
}

/** Surface area in mm² of each of the 256 cube configurations on a grid of this spacing. */
export function surfelAreaTable(spacing: Spacing3): Float64Array {
  const [sx, sy, sz] = spacing;
  const areas = new Float64Array(256);
  for (let code = 0; code < 256; code++) {
    for (const [nx, ny, nz] of CROSS_PRODUCTS[code]) areas[code] += Math.hypot(nx * sy * sz, ny * sx * sz, nz * sx * sy) / 2;
  }
  return areas;
}

/** A mask's surfels on the cube grid (dims + 1 per axis): configuration code per cube, 0 where no surfel. */
export interface Surfels {
  readonly dims: BoxDims;
  /** 1 where the cube is a surfel. */
  readonly present: Uint8Array;
  /** Area in mm² per cube (0 where no surfel). */
  readonly area: Float64Array;
  readonly totalArea: number;
}

/** The surfels of a 0/1 mask in a box (i fastest), on the grid of cubes between its voxels, padded by one. */
export function surfels(mask: Uint8Array, dims: BoxDims, areas: Float64Array): Surfels {
  const [nx, ny, nz] = dims;
  const cube: BoxDims = [nx + 1, ny + 1, nz + 1];
  const present = new Uint8Array(cube[0] * cube[1] * cube[2]);
  const area = new Float64Array(present.length);
  const at = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && mask[i + nx * (j + ny * k)] ? 1 : 0;
  let totalArea = 0;
  for (let c = 0, idx = 0; c < cube[2]; c++) {
    for (let b = 0; b < cube[1]; b++) {
      for (let a = 0; a < cube[0]; a++, idx++) {
        let code = 0;
        for (let v = 0; v < 8; v++) code |= at(a - 1 + (v & 1), b - 1 + ((v >> 1) & 1), c - 1 + ((v >> 2) & 1)) << v;
        if (code === 0 || code === 255) continue;
        present[idx] = 1;
        area[idx] = areas[code];
        totalArea += areas[code];
      }
    }
  }
  return { dims: cube, present, area, totalArea };
}

/** Area of `from`'s surfels lying within `toleranceMm` of a surfel of `to` (same cube grid). */
function areaWithin(from: Surfels, to: Surfels, spacing: Spacing3, toleranceMm: number): number {
  const field = squaredDistanceTransform(to.present, to.dims, spacing);
  let sum = 0;
  for (let i = 0; i < from.present.length; i++) if (from.present[i] && Math.sqrt(field[i]) <= toleranceMm) sum += from.area[i];
  return sum;
}

/**
 * DeepMind's normalized surface Dice of two non-empty 0/1 masks in the same box (crop it to both masks' bounding
 * box first: the cost scales with the box).
 */
export function surfaceDiceAtTolerance(
  prediction: Uint8Array,
  reference: Uint8Array,
  dims: BoxDims,
  spacing: Spacing3,
  toleranceMm: number,
): number {
  const areas = surfelAreaTable(spacing);
  const pred = surfels(prediction, dims, areas);
  const ref = surfels(reference, dims, areas);
  const total = pred.totalArea + ref.totalArea;
  if (total === 0) return 1;
  return (areaWithin(pred, ref, spacing, toleranceMm) + areaWithin(ref, pred, spacing, toleranceMm)) / total;
}

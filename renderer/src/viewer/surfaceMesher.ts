/**
 * Smooth display surfaces of every segment of a labelmap, for the 3D view: each segment's box is averaged down to
 * at most ~MAX_CELLS voxels (the fractional mask keeps the surface sub-voxel smooth and bounds the time on big
 * CTs), then vtk.js's marching cubes at 0.5, VTK's windowed-sinc smoother and point normals for lighting, in LPS
 * world mm. A display mesh: engine/export/mesh.ts makes the full-resolution, unsmoothed-by-default export meshes.
 * Pure (no DOM), so it runs in the surface worker and in Node tests.
 */
// `.js` paths: Node's ESM resolution (the unit tests) needs them; the bundler takes them too.
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData.js';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData.js';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray.js';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js';
import vtkWindowedSincPolyDataFilter from '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter.js';
import vtkPolyDataNormals from '@kitware/vtk.js/Filters/Core/PolyDataNormals.js';
import type { LpsGeometry } from './geometry.js';

/** One segment's surface: vertex positions (LPS mm) and normals, and vtk cell array of triangles ([3, a, b, c]…). */
export interface SegmentSurface {
  readonly value: number;
  readonly points: Float32Array;
  readonly normals: Float32Array;
  readonly polys: Uint32Array;
}

export interface SurfaceOptions {
  /** Voxels of a segment's box after averaging down; larger is finer and slower. */
  readonly maxCells?: number;
  /** Windowed-sinc iterations (0: marching-cubes surface as is). */
  readonly smoothing?: number;
}

const DEFAULTS = { maxCells: 2_500_000, smoothing: 20 } as const;

interface ValueBox {
  min: [number, number, number];
  max: [number, number, number];
}

/** Bounding box of every non-zero value, in one pass. */
function boxesByValue(labels: Uint8Array, dims: readonly [number, number, number]): Map<number, ValueBox> {
  const [nx, ny, nz] = dims;
  const boxes = new Map<number, ValueBox>();
  let n = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        const v = labels[n];
        if (v === 0) continue;
        const b = boxes.get(v);
        if (!b) {
          boxes.set(v, { min: [i, j, k], max: [i, j, k] });
          continue;
        }
        if (i < b.min[0]) b.min[0] = i;
        if (i > b.max[0]) b.max[0] = i;
        if (j < b.min[1]) b.min[1] = j;
        if (j > b.max[1]) b.max[1] = j;
        if (k < b.min[2]) b.min[2] = k;
        b.max[2] = k;
      }
    }
  }
  return boxes;
}

/**
 * Fraction of voxels equal to `value` in each block of f[0]×f[1]×f[2] voxels of the box, with one empty block
 * of padding on every side so the surface is closed. Returns the grid and its size.
 */
function blockFractions(
  labels: Uint8Array,
  dims: readonly [number, number, number],
  value: number,
  box: ValueBox,
  f: readonly [number, number, number],
): { grid: Float32Array; size: [number, number, number] } {
  const [nx, ny] = dims;
  const size = [0, 1, 2].map((a) => Math.floor((box.max[a] - box.min[a]) / f[a]) + 3) as [number, number, number];
  const grid = new Float32Array(size[0] * size[1] * size[2]);
  const weight = 1 / (f[0] * f[1] * f[2]);
  for (let k = box.min[2]; k <= box.max[2]; k++) {
    const gk = Math.floor((k - box.min[2]) / f[2]) + 1;
    for (let j = box.min[1]; j <= box.max[1]; j++) {
      const gj = Math.floor((j - box.min[1]) / f[1]) + 1;
      const row = nx * (j + ny * k);
      const out = size[0] * (gj + size[1] * gk) + 1;
      for (let i = box.min[0]; i <= box.max[0]; i++) {
        if (labels[row + i] === value) grid[out + Math.floor((i - box.min[0]) / f[0])] += weight;
      }
    }
  }
  return { grid, size };
}

/** Block size per axis: the smallest integer factors (finest first along the finest-spaced axes) under maxCells. */
function blockFactors(box: ValueBox, spacing: readonly number[], maxCells: number): [number, number, number] {
  const extent = [0, 1, 2].map((a) => box.max[a] - box.min[a] + 1);
  const f: [number, number, number] = [1, 1, 1];
  const cells = (): number => extent.reduce((p, e, a) => p * Math.ceil(e / f[a]), 1);
  // Grow the factor of the axis whose blocks are thinnest in mm, so blocks tend towards cubes.
  while (cells() > maxCells) {
    const a = [0, 1, 2].reduce((best, x) => (f[x] * spacing[x] < f[best] * spacing[best] ? x : best), 0);
    f[a]++;
  }
  return f;
}

/** The smooth surface of each segment value present in `labels` (values in ascending order). */
export function segmentSurfaces(
  labels: Uint8Array,
  dims: readonly [number, number, number],
  geometry: LpsGeometry,
  options: SurfaceOptions = {},
): SegmentSurface[] {
  const { maxCells, smoothing } = { ...DEFAULTS, ...options };
  const boxes = boxesByValue(labels, dims);
  const out: SegmentSurface[] = [];
  for (const value of [...boxes.keys()].sort((a, b) => a - b)) {
    const box = boxes.get(value) as ValueBox;
    const f = blockFactors(box, geometry.spacing, maxCells);
    const { grid, size } = blockFractions(labels, dims, value, box, f);
    const image = vtkImageData.newInstance();
    image.setDimensions(size[0], size[1], size[2]);
    image.getPointData().setScalars(vtkDataArray.newInstance({ numberOfComponents: 1, values: grid }));
    const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: false, mergePoints: true });
    mc.setInputData(image);
    const surface = mc.getOutputData();
    const grid2world = gridToWorld(geometry, box, f);
    const points = surface.getPoints().getData() as Float32Array | Float64Array;
    const world = new Float32Array(points.length);
    for (let p = 0; p < points.length; p += 3) grid2world(points[p], points[p + 1], points[p + 2], world, p);
    if (world.length === 0) continue;
    let poly = vtkPolyData.newInstance();
    poly.getPoints().setData(world, 3);
    poly.getPolys().setData(Uint32Array.from(surface.getPolys().getData()));
    if (smoothing > 0) {
      // Smoothing in mm (after the world transform) keeps anisotropic voxels from bending the result.
      const smoother = vtkWindowedSincPolyDataFilter.newInstance({
        numberOfIterations: smoothing,
        passBand: 0.05,
        boundarySmoothing: false,
        featureEdgeSmoothing: false,
        nonManifoldSmoothing: true,
        normalizeCoordinates: true,
      });
      smoother.setInputData(poly);
      poly = smoother.getOutputData();
    }
    const normalsFilter = vtkPolyDataNormals.newInstance({ computePointNormals: true, computeCellNormals: false });
    normalsFilter.setInputData(poly);
    const withNormals = normalsFilter.getOutputData();
    const normals = withNormals.getPointData().getNormals()?.getData();
    out.push({
      value,
      points: Float32Array.from(withNormals.getPoints().getData()),
      normals: normals ? Float32Array.from(normals) : new Float32Array(0),
      polys: Uint32Array.from(withNormals.getPolys().getData()),
    });
  }
  return out;
}

/**
 * Grid point (gi, gj, gk) → LPS mm. Grid point g (1-based inside the padding) is the centre of block g - 1, i.e.
 * voxel index min + (g - 1) · f + (f - 1) / 2 along each axis.
 */
function gridToWorld(
  geometry: LpsGeometry,
  box: ValueBox,
  f: readonly [number, number, number],
): (gi: number, gj: number, gk: number, out: Float32Array, at: number) => void {
  const { origin, spacing, direction: d } = geometry;
  const base = [0, 1, 2].map((a) => box.min[a] - f[a] + (f[a] - 1) / 2);
  return (gi, gj, gk, out, at) => {
    const u = (base[0] + gi * f[0]) * spacing[0];
    const v = (base[1] + gj * f[1]) * spacing[1];
    const w = (base[2] + gk * f[2]) * spacing[2];
    for (let r = 0; r < 3; r++) out[at + r] = origin[r] + u * d[r] + v * d[3 + r] + w * d[6 + r];
  };
}

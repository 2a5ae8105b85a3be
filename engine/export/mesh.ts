/**
 * Surface meshes of label segments for 3D printing and surgical planning: marching cubes (vtk.js, Kitware's
 * maintained port of VTK's filter) on each segment's mask at 0.5, optional windowed-sinc smoothing (VTK's
 * volume-preserving smoother), in RAS or LPS millimetres; STL (binary) and OBJ encoders.
 */
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData.js';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData.js';
import type { VtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData.js';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray.js';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js';
import vtkWindowedSincPolyDataFilter from '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter.js';
import { boundsWhere } from '../common/box.js';
import type { LabelVolume } from '../common/volume.js';

export type MeshSpace = 'RAS' | 'LPS';

export interface MeshOptions {
  readonly space?: MeshSpace;
  /** Windowed-sinc smoothing iterations; 0 (default) keeps the marching-cubes surface. */
  readonly smoothing?: number;
}

export interface Mesh {
  /** x, y, z of each vertex in mm (RAS or LPS as asked). */
  readonly positions: Float32Array;
  /** Three vertex indices per triangle, counter-clockwise seen from outside. */
  readonly triangles: Uint32Array;
}

/** vtk.js's marching cubes prints its run time with console.time; keep stdout clean (e.g. for --json). */
function quietly<T>(run: () => T): T {
  const { time, timeEnd } = console;
  console.time = () => undefined;
  console.timeEnd = () => undefined;
  try {
    return run();
  } finally {
    console.time = time;
    console.timeEnd = timeEnd;
  }
}

function trianglesOf(poly: VtkPolyData): Uint32Array {
  const cells = poly.getPolys().getData();
  const out: number[] = [];
  for (let c = 0; c < cells.length; ) {
    const n = cells[c];
    for (let t = 1; t + 1 < n; t++) out.push(cells[c + 1], cells[c + 1 + t], cells[c + 2 + t]); // fan, should n > 3
    c += n + 1;
  }
  return Uint32Array.from(out);
}

/** Signed enclosed volume in mm³ (divergence theorem); positive when triangles face outwards. */
export function signedVolume(mesh: Mesh): number {
  const p = mesh.positions,
    t = mesh.triangles;
  let v = 0;
  for (let n = 0; n < t.length; n += 3) {
    const a = 3 * t[n],
      b = 3 * t[n + 1],
      c = 3 * t[n + 2];
    v +=
      p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) -
      p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return v / 6;
}

/** The surface of label `value`, closed (the mask is padded by one voxel), or null when the value has no voxels. */
export function labelMesh(labels: LabelVolume, value: number, options: MeshOptions = {}): Mesh | null {
  const box = boundsWhere(labels.data, labels.dims, (v) => v === value);
  if (!box) return null;
  const [nx, ny] = labels.dims;
  const size = [0, 1, 2].map((a) => box.max[a] - box.min[a] + 3);
  const mask = new Float32Array(size[0] * size[1] * size[2]);
  for (let k = box.min[2]; k <= box.max[2]; k++) {
    for (let j = box.min[1]; j <= box.max[1]; j++) {
      const src = nx * (j + ny * k);
      const dst = size[0] * (j - box.min[1] + 1 + size[1] * (k - box.min[2] + 1)) + 1 - box.min[0];
      for (let i = box.min[0]; i <= box.max[0]; i++) if (labels.data[src + i] === value) mask[dst + i] = 1;
    }
  }
  const image = vtkImageData.newInstance();
  image.setDimensions(size[0], size[1], size[2]);
  image.setSpacing(1, 1, 1);
  image.setOrigin(box.min[0] - 1, box.min[1] - 1, box.min[2] - 1);
  image.getPointData().setScalars(vtkDataArray.newInstance({ numberOfComponents: 1, values: mask }));
  const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: false, mergePoints: true });
  mc.setInputData(image);
  const surface = quietly(() => mc.getOutputData());
  // voxel index → world mm, then smooth in mm (smoothing in index space would distort anisotropic voxels)
  const idx = surface.getPoints().getData();
  const a = labels.affine;
  const sign = options.space === 'LPS' ? [-1, -1, 1] : [1, 1, 1];
  const world = new Float32Array(idx.length);
  for (let n = 0; n < idx.length; n += 3) {
    for (let r = 0; r < 3; r++)
      world[n + r] = sign[r] * (a[r * 4] * idx[n] + a[r * 4 + 1] * idx[n + 1] + a[r * 4 + 2] * idx[n + 2] + a[r * 4 + 3]);
  }
  let positions = world;
  let triangles = trianglesOf(surface);
  if ((options.smoothing ?? 0) > 0) {
    const poly = vtkPolyData.newInstance();
    poly.getPoints().setData(world, 3);
    const cells = new Uint32Array((triangles.length / 3) * 4);
    for (let t = 0; t < triangles.length / 3; t++) cells.set([3, triangles[3 * t], triangles[3 * t + 1], triangles[3 * t + 2]], 4 * t);
    poly.getPolys().setData(cells);
    const smoother = vtkWindowedSincPolyDataFilter.newInstance({
      numberOfIterations: options.smoothing ?? 0,
      passBand: 0.1,
      boundarySmoothing: false,
      featureEdgeSmoothing: false,
      nonManifoldSmoothing: true,
      normalizeCoordinates: true,
    });
    smoother.setInputData(poly);
    const smooth = smoother.getOutputData();
    positions = Float32Array.from(smooth.getPoints().getData());
    triangles = trianglesOf(smooth);
  }
  const mesh = { positions, triangles };
  if (signedVolume(mesh) < 0) {
    // a mirroring affine (e.g. dcm2niix's flipped rows) turns the faces inwards: reverse the winding
    for (let n = 0; n < triangles.length; n += 3) [triangles[n + 1], triangles[n + 2]] = [triangles[n + 2], triangles[n + 1]];
  }
  return mesh;
}

/** Binary STL (little endian): 80-byte header, triangle count, then normal + 3 vertices + 2 spare bytes each. */
export function encodeStl(mesh: Mesh, name: string): Buffer {
  const count = mesh.triangles.length / 3;
  const out = Buffer.alloc(84 + 50 * count);
  out.write(`Lobule ${name}`.slice(0, 80), 0, 'ascii');
  out.writeUInt32LE(count, 80);
  const p = mesh.positions,
    t = mesh.triangles;
  for (let n = 0; n < count; n++) {
    const v = [0, 1, 2].map((c) => [p[3 * t[3 * n + c]], p[3 * t[3 * n + c] + 1], p[3 * t[3 * n + c] + 2]]);
    const u = [0, 1, 2].map((d) => v[1][d] - v[0][d]),
      w = [0, 1, 2].map((d) => v[2][d] - v[0][d]);
    const nrm = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
    const len = Math.hypot(nrm[0], nrm[1], nrm[2]) || 1;
    const at = 84 + 50 * n;
    nrm.forEach((x, d) => out.writeFloatLE(x / len, at + 4 * d));
    v.forEach((vertex, c) => vertex.forEach((x, d) => out.writeFloatLE(x, at + 12 + 12 * c + 4 * d)));
  }
  return out;
}

/** Wavefront OBJ text: one object, vertices then 1-based faces. */
export function encodeObj(mesh: Mesh, name: string, space: MeshSpace): string {
  const lines = [`# Lobule surface of '${name}', ${space} millimetres`, `o ${name.replace(/\s+/g, '_')}`];
  const p = mesh.positions,
    t = mesh.triangles;
  for (let n = 0; n < p.length; n += 3) lines.push(`v ${+p[n].toFixed(4)} ${+p[n + 1].toFixed(4)} ${+p[n + 2].toFixed(4)}`);
  for (let n = 0; n < t.length; n += 3) lines.push(`f ${t[n] + 1} ${t[n + 1] + 1} ${t[n + 2] + 1}`);
  return `${lines.join('\n')}\n`;
}

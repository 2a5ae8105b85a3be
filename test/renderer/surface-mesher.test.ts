/**
 * The 3D view's segment surfaces (renderer/src/viewer/surfaceMesher.ts) in Node: closed, outward-facing meshes
 * that enclose each segment's volume, placed in LPS millimetres by the volume's geometry, also when a big box is
 * averaged down to bound the work.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { segmentSurfaces, type SegmentSurface } from '../../renderer/src/viewer/surfaceMesher.js';
import type { LpsGeometry } from '../../renderer/src/viewer/geometry.js';

/** Enclosed volume in mm³ by the divergence theorem; positive when the triangles face outwards. */
function enclosedVolume(s: SegmentSurface): number {
  const p = s.points;
  let v = 0;
  for (let c = 0; c < s.polys.length; c += s.polys[c] + 1) {
    const [a, b, d] = [3 * s.polys[c + 1], 3 * s.polys[c + 2], 3 * s.polys[c + 3]];
    v +=
      p[a] * (p[b + 1] * p[d + 2] - p[b + 2] * p[d + 1]) -
      p[a + 1] * (p[b] * p[d + 2] - p[b + 2] * p[d]) +
      p[a + 2] * (p[b] * p[d + 1] - p[b + 1] * p[d]);
  }
  return v / 6;
}

function centroid(s: SegmentSurface): number[] {
  const c = [0, 0, 0];
  for (let n = 0; n < s.points.length; n += 3) for (let r = 0; r < 3; r++) c[r] += s.points[n + r];
  return c.map((x) => x / (s.points.length / 3));
}

/** Ball of `value` with radius r (voxels) around voxel `centre`. */
function paintBall(labels: Uint8Array, dims: readonly number[], centre: readonly number[], r: number, value: number): void {
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++)
        if ((i - centre[0]) ** 2 + (j - centre[1]) ** 2 + (k - centre[2]) ** 2 <= r * r) labels[i + dims[0] * (j + dims[1] * k)] = value;
}

describe('segment surfaces for the 3D view', () => {
  // LPS geometry of a RAS-stored file: i runs right→left flipped, spacing 0.8 × 0.8 × 2 mm.
  const geometry: LpsGeometry = { origin: [100, 50, -20], spacing: [0.8, 0.8, 2], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] };
  const dims = [80, 80, 40] as const;

  it('gives each segment a closed outward surface enclosing its volume, at its place in LPS mm', () => {
    const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
    paintBall(labels, dims, [25, 30, 20], 12, 1);
    paintBall(labels, dims, [60, 55, 20], 6, 2);
    const surfaces = segmentSurfaces(labels, dims, geometry);
    assert.deepEqual(
      surfaces.map((s) => s.value),
      [1, 2],
    );
    for (const s of surfaces) {
      let voxels = 0;
      for (const v of labels) if (v === s.value) voxels++;
      const truth = voxels * 0.8 * 0.8 * 2;
      const enclosed = enclosedVolume(s);
      assert.ok(Math.abs(enclosed - truth) / truth < 0.1, `segment ${s.value}: encloses ${enclosed} mm³, voxels hold ${truth}`);
      assert.equal(s.normals.length, s.points.length, 'one normal per point (lighting)');
    }
    const c = centroid(surfaces[0]);
    const expected = [100 - 25 * 0.8, 50 - 30 * 0.8, -20 + 20 * 2];
    for (let r = 0; r < 3; r++) assert.ok(Math.abs(c[r] - expected[r]) < 1, `centre ${c} is not at ${expected}`);
  });

  it('averages a big segment down to the cell budget and still encloses its volume', () => {
    const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
    paintBall(labels, dims, [40, 40, 20], 18, 1);
    const fine = segmentSurfaces(labels, dims, geometry)[0];
    const coarse = segmentSurfaces(labels, dims, geometry, { maxCells: 20_000 })[0];
    assert.ok(coarse.points.length < fine.points.length / 2, `budget not applied: ${coarse.points.length} vs ${fine.points.length} points`);
    const ratio = enclosedVolume(coarse) / enclosedVolume(fine);
    assert.ok(Math.abs(ratio - 1) < 0.1, `coarse surface encloses ${ratio.toFixed(3)}× the fine one`);
  });

  it('returns no surface for an empty labelmap', () => {
    assert.deepEqual(segmentSurfaces(new Uint8Array(dims[0] * dims[1] * dims[2]), dims, geometry), []);
  });
});

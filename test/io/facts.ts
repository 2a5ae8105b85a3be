/** Comparing what our readers return with reference/nibabel_facts.json. */
import assert from 'node:assert/strict';
import type { NibabelFileFacts } from '../helpers/data.js';
import type { Volume } from '../../engine/common/volume.js';
import { affinesEqual } from '../../engine/common/affine.js';
import { labelCounts } from '../../engine/common/crop.js';

export function affineRows(a: ArrayLike<number>): number[][] {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => a[r * 4 + c]));
}

export function assertAffine(actual: ArrayLike<number>, expected: number[][], what: string): void {
  assert.ok(
    affinesEqual(actual, expected.flat(), 1e-4),
    `${what}: affine ${JSON.stringify(affineRows(actual))} != ${JSON.stringify(expected)}`,
  );
}

function close(actual: number, expected: number, rel: number, what: string): void {
  const tol = Math.max(1e-6, Math.abs(expected) * rel);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} != ${expected}`);
}

/** volumes: every 3-D volume of the file in order (one for 3-D files). */
export function assertMatchesFacts(volumes: Volume[], facts: NibabelFileFacts, what: string, rel = 1e-6): void {
  const first = volumes[0];
  assert.deepEqual([...first.dims], facts.shape.slice(0, 3).concat([1, 1, 1]).slice(0, 3), `${what}: dims`);
  assertAffine(first.affine, facts.affine, what);
  let sum = 0,
    min = Infinity,
    max = -Infinity;
  for (const v of volumes) {
    for (let p = 0; p < v.data.length; p++) {
      const x = v.data[p];
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  close(sum, facts.scaled.sum, rel, `${what}: sum`);
  close(min, facts.scaled.min, rel, `${what}: min`);
  close(max, facts.scaled.max, rel, `${what}: max`);
  const n = first.data.length;
  for (const [flat, value] of facts.scaled.probes) {
    close(volumes[Math.floor(flat / n)].data[flat % n], value, rel, `${what}: probe ${flat}`);
  }
  const counts = facts.label_counts as Record<string, number> | undefined;
  // nibabel counts the stored (unscaled) integers, so only integer volumes compare
  if (counts && !(first.data instanceof Float32Array || first.data instanceof Float64Array)) {
    const got = new Map<number, number>();
    for (const v of volumes) for (const [k, c] of labelCounts(v)) got.set(k, (got.get(k) ?? 0) + c);
    assert.deepEqual(Object.fromEntries([...got].map(([k, c]) => [String(k), c])), counts, `${what}: label counts`);
  }
}

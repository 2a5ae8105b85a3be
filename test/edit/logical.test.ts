import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLogical } from '../../engine/common/edit/logical.js';
import { DEFAULT_POLICY, directWriter } from '../../engine/common/edit/policy.js';
import { count, fillBox, grid } from './helpers.js';

/** Cube A (segment 1, 4³) and cube B (segment 2, 4³) touching face to face. */
function cubes() {
  const g = grid([10, 6, 6]);
  fillBox(g, [1, 1, 1], [4, 4, 4], 1);
  fillBox(g, [5, 1, 1], [8, 4, 4], 2);
  return g;
}

test('subtracting touching cube B from cube A removes nothing: labels never overlap', () => {
  const g = cubes();
  const r = applyLogical(g, 'subtract', 1, 2, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(r.changed, 0);
  assert.equal(count(g, 1), 64);
  assert.equal(count(g, 2), 64);
});

test('adding B to A merges them (128 voxels); intersect empties A; clear empties A', () => {
  const add = cubes();
  assert.equal(applyLogical(add, 'add', 1, 2, DEFAULT_POLICY, directWriter(add.labels)).added, 64);
  assert.equal(count(add, 1), 128);
  assert.equal(count(add, 2), 0);
  const inter = cubes();
  applyLogical(inter, 'intersect', 1, 2, DEFAULT_POLICY, directWriter(inter.labels));
  assert.equal(count(inter, 1), 0);
  const clear = cubes();
  assert.equal(applyLogical(clear, 'clear', 1, null, DEFAULT_POLICY, directWriter(clear.labels)).removed, 64);
  assert.equal(count(clear, 2), 64);
});

test('copy gives A exactly B’s voxels; invert gives A every other voxel where the rule allows', () => {
  const copy = cubes();
  applyLogical(copy, 'copy', 1, 2, DEFAULT_POLICY, directWriter(copy.labels));
  assert.equal(count(copy, 1), 64);
  assert.equal(copy.labels[1 + 10 * (1 + 6 * 1)], 0, 'A’s old voxels are gone');
  const inv = cubes();
  applyLogical(inv, 'invert', 1, null, { area: { mode: 'everywhere' }, overwrite: 'none' }, directWriter(inv.labels));
  assert.equal(count(inv, 1), 360 - 64 - 64, 'B is kept with overwrite none');
  assert.equal(count(inv, 2), 64);
});

test('operators that need a source refuse background as the source', () => {
  const g = cubes();
  assert.throws(() => applyLogical(g, 'add', 1, 0, DEFAULT_POLICY, directWriter(g.labels)), /source segment/);
});

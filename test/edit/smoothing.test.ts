import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJointSmoothing, applySmoothing, boxSum } from '../../engine/common/edit/smoothing.js';
import { DEFAULT_POLICY, directWriter } from '../../engine/common/edit/policy.js';
import { at, count, fillBox, grid } from './helpers.js';

test('box sums count the neighbours inside a clamped window (hand-computed on a line)', () => {
  const sum = boxSum(Uint8Array.from([1, 1, 0, 1, 0]), [5, 1, 1], [1, 0, 0]);
  assert.deepEqual([...sum], [2, 2, 2, 1, 1]);
});

test('median (1 mm) fills a one-voxel hole in a cube and removes a one-voxel spike', () => {
  const g = grid([11, 11, 11]);
  fillBox(g, [2, 2, 2], [7, 7, 7], 1);
  g.labels[at(g, 4, 4, 4)] = 0;
  g.labels[at(g, 8, 4, 4)] = 1;
  applySmoothing(g, 1, 'median', 1, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(g.labels[at(g, 4, 4, 4)], 1, 'hole filled');
  assert.equal(g.labels[at(g, 8, 4, 4)], 0, 'spike removed');
  // A 3×3×3 majority also rounds the cube's 8 corners and 12 edges... corners: 8 of 27 → removed; edges: 12 of 27.
  assert.equal(g.labels[at(g, 2, 2, 2)], 0, 'a corner voxel has only 8 of 27 members around it');
  assert.equal(g.labels[at(g, 2, 2, 4)], 0, 'an edge voxel has 12 of 27');
  assert.equal(g.labels[at(g, 2, 4, 4)], 1, 'a face voxel has 18 of 27');
  assert.equal(count(g, 1), 216 - 8 - 12 * 4);
});

test('opening by 1 mm cuts a one-voxel bridge between two cubes; closing by 1 mm bridges a one-voxel gap', () => {
  const open = grid([16, 9, 9]);
  fillBox(open, [1, 2, 2], [5, 6, 6], 1);
  fillBox(open, [9, 2, 2], [13, 6, 6], 1);
  fillBox(open, [6, 4, 4], [8, 4, 4], 1); // the bridge
  applySmoothing(open, 1, 'opening', 1, DEFAULT_POLICY, directWriter(open.labels));
  assert.equal(open.labels[at(open, 7, 4, 4)], 0);
  assert.equal(open.labels[at(open, 3, 4, 4)], 1);
  const close = grid([16, 9, 9]);
  fillBox(close, [1, 2, 2], [6, 6, 6], 1);
  fillBox(close, [8, 2, 2], [13, 6, 6], 1);
  applySmoothing(close, 1, 'closing', 1, DEFAULT_POLICY, directWriter(close.labels));
  assert.equal(close.labels[at(close, 7, 4, 4)], 1, 'gap bridged');
  assert.equal(close.labels[at(close, 7, 1, 4)], 0, 'nothing grows beyond the cubes');
});

test('joint smoothing turns a stray voxel of one segment inside another into the surrounding segment', () => {
  const g = grid([11, 11, 11]);
  fillBox(g, [1, 1, 1], [9, 9, 4], 1);
  fillBox(g, [1, 1, 5], [9, 9, 9], 2);
  g.labels[at(g, 5, 5, 2)] = 2;
  applyJointSmoothing(g, 1, 1, DEFAULT_POLICY, directWriter(g.labels));
  assert.equal(g.labels[at(g, 5, 5, 2)], 1);
  assert.equal(g.labels[at(g, 5, 5, 4)], 1, 'the flat interface stays where it was');
  assert.equal(g.labels[at(g, 5, 5, 5)], 2);
});

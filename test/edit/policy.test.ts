import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMargin } from '../../engine/common/edit/margin.js';
import { directWriter, type EditPolicy } from '../../engine/common/edit/policy.js';
import { at, count, fillBox, grid } from './helpers.js';

/** Segment 1 is a 3×3×3 cube; segment 2 a slab just right of it; growing 1 by 2 mm reaches into 2. */
function scene() {
  const g = grid([12, 9, 9]);
  fillBox(g, [3, 3, 3], [5, 5, 5], 1);
  fillBox(g, [7, 0, 0], [7, 8, 8], 2);
  return g;
}

test('overwrite all: a grown segment takes the voxels of the segment it reaches', () => {
  const g = scene();
  applyMargin(g, 1, 2, { area: { mode: 'everywhere' }, overwrite: 'all' }, directWriter(g.labels));
  assert.equal(g.labels[at(g, 7, 4, 4)], 1);
  assert.ok(count(g, 2) < 81);
});

test('overwrite none, and overwrite visible with the other segment hidden, leave that segment intact', () => {
  for (const policy of [
    { area: { mode: 'everywhere' }, overwrite: 'none' },
    { area: { mode: 'everywhere' }, overwrite: 'visible', hidden: [2] },
  ] as EditPolicy[]) {
    const g = scene();
    applyMargin(g, 1, 2, policy, directWriter(g.labels));
    assert.equal(count(g, 2), 81, policy.overwrite);
    assert.equal(g.labels[at(g, 6, 4, 4)], 1, 'background is still taken');
  }
});

test('locked segments are never changed even with overwrite all', () => {
  const g = scene();
  applyMargin(g, 1, 2, { area: { mode: 'everywhere' }, overwrite: 'all', locked: [2] }, directWriter(g.labels));
  assert.equal(count(g, 2), 81);
});

test('modify only inside segment 2 / outside segment 2 limits the growth to that area', () => {
  const inside = scene();
  applyMargin(inside, 1, 2, { area: { mode: 'inside', segment: 2 }, overwrite: 'all' }, directWriter(inside.labels));
  assert.equal(inside.labels[at(inside, 6, 4, 4)], 0, 'background is outside the editable area');
  assert.equal(inside.labels[at(inside, 7, 4, 4)], 1);
  const outside = scene();
  applyMargin(outside, 1, 2, { area: { mode: 'outside', segment: 2 }, overwrite: 'all' }, directWriter(outside.labels));
  assert.equal(outside.labels[at(outside, 6, 4, 4)], 1);
  assert.equal(count(outside, 2), 81);
});

test('modify only outside all segments (outside any) keeps other segments and allows background', () => {
  const g = scene();
  applyMargin(g, 1, 2, { area: { mode: 'outside', segment: 'any' }, overwrite: 'all' }, directWriter(g.labels));
  assert.equal(count(g, 2), 81);
  assert.equal(g.labels[at(g, 6, 4, 4)], 1);
});

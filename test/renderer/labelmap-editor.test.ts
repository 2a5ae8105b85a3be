import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelmapEditor } from '../../renderer/src/edit/labelmapEditor.js';

const dims = [20, 20, 10] as const;
const idx = (i: number, j: number, k: number): number => i + 20 * (j + 20 * k);

test('a 2D circle dab paints only its axial slice, reports that slice dirty and counts the voxels', () => {
  const ed = new LabelmapEditor(new Uint8Array(4000), dims, [1, 1, 2]);
  ed.beginStroke();
  const changed = ed.dab([10, 10, 4], { radiusMm: 2, shape: 'circle', normalAxis: 2, value: 1 });
  ed.endStroke();
  // radius 2 voxels in-plane: the 13 lattice points with di²+dj² ≤ 4.
  assert.equal(changed, 13);
  assert.equal(ed.counts[1], 13);
  assert.deepEqual(ed.takeDirtySlices(), [4]);
  assert.deepEqual(ed.takeDirtySlices(), []);
  assert.equal(ed.labels[idx(10, 12, 4)], 1);
  assert.equal(ed.labels[idx(10, 10, 5)], 0);
});

test('a sphere dab honours anisotropic spacing (radius in mm, not voxels)', () => {
  const ed = new LabelmapEditor(new Uint8Array(4000), dims, [1, 1, 2]);
  ed.dab([10, 10, 5], { radiusMm: 2, shape: 'sphere', normalAxis: 2, value: 1 });
  assert.equal(ed.labels[idx(10, 10, 6)], 1, 'one slice (2 mm) above is inside');
  assert.equal(ed.labels[idx(10, 10, 7)], 0, 'two slices (4 mm) above is outside');
  assert.deepEqual(ed.takeDirtySlices(), [4, 5, 6]);
});

test('undo restores every voxel of a stroke and redo re-applies it', () => {
  const labels = new Uint8Array(4000);
  labels[idx(10, 10, 3)] = 2;
  const ed = new LabelmapEditor(labels, dims, [1, 1, 1]);
  const before = labels.slice();
  ed.beginStroke();
  ed.dab([10, 10, 3], { radiusMm: 3, shape: 'circle', normalAxis: 2, value: 1 });
  ed.dab([12, 10, 3], { radiusMm: 3, shape: 'circle', normalAxis: 2, value: 1 });
  ed.endStroke();
  const painted = labels.slice();
  assert.ok(ed.counts[1] > 20);
  assert.ok(ed.undo());
  assert.deepEqual(labels, before);
  assert.equal(ed.counts[1], 0);
  assert.equal(ed.counts[2], 1);
  assert.ok(ed.redo());
  assert.deepEqual(labels, painted);
  assert.equal(ed.redo(), false);
});

test('the eraser writes background and the threshold brush skips voxels outside the HU range', () => {
  const image = new Int16Array(4000).fill(-500);
  image[idx(10, 10, 0)] = 100;
  image[idx(11, 10, 0)] = 100;
  const ed = new LabelmapEditor(new Uint8Array(4000), dims, [1, 1, 1], image);
  const n = ed.dab([10, 10, 0], { radiusMm: 3, shape: 'circle', normalAxis: 2, value: 1, intensityRange: [0, 200] });
  assert.equal(n, 2);
  ed.dab([10, 10, 0], { radiusMm: 1, shape: 'circle', normalAxis: 2, value: 0 });
  assert.equal(ed.counts[1], 0);
});

test('locked segments are never overwritten', () => {
  const labels = new Uint8Array(4000);
  labels[idx(5, 5, 5)] = 2;
  const ed = new LabelmapEditor(labels, dims, [1, 1, 1]);
  ed.locked.add(2);
  ed.dab([5, 5, 5], { radiusMm: 1, shape: 'circle', normalAxis: 2, value: 1 });
  assert.equal(labels[idx(5, 5, 5)], 2);
});

test('a sagittal circle dab stays in its i-plane and dirties the axial slices it crosses', () => {
  const ed = new LabelmapEditor(new Uint8Array(4000), dims, [1, 1, 1]);
  ed.dab([7, 10, 5], { radiusMm: 2, shape: 'circle', normalAxis: 0, value: 1 });
  for (let n = 0; n < 4000; n++) if (ed.labels[n] === 1) assert.equal(n % 20, 7);
  assert.deepEqual(ed.takeDirtySlices(), [3, 4, 5, 6, 7]);
});

test('stateId returns to the saved value when edits are undone, and differs after any other change', () => {
  const ed = new LabelmapEditor(new Uint8Array(4000), dims, [1, 1, 1]);
  const loaded = ed.stateId;
  ed.beginStroke();
  ed.dab([5, 5, 5], { radiusMm: 1, shape: 'circle', normalAxis: 2, value: 1 });
  ed.endStroke();
  const afterStroke = ed.stateId;
  assert.notEqual(afterStroke, loaded);
  ed.undo();
  assert.equal(ed.stateId, loaded);
  ed.redo();
  assert.equal(ed.stateId, afterStroke);
  ed.reset(new Uint8Array(4000));
  assert.notEqual(ed.stateId, loaded, 'a reload is a new base state');
  const revision = ed.revision;
  ed.beginStroke();
  ed.endStroke();
  assert.equal(ed.revision, revision, 'an empty stroke changes nothing');
});

test('a saved version’s recorded counts are taken as they are; counts that do not add up are counted again', () => {
  const labels = new Uint8Array(4000);
  labels.fill(1, 0, 300);
  labels.fill(2, 300, 350);
  const recorded = { '0': 3650, '1': 300, '2': 50 };
  assert.deepEqual([...new LabelmapEditor(labels, dims, [1, 1, 1], undefined, recorded).counts.slice(0, 3)], [3650, 300, 50]);
  // a record that does not describe 4000 voxels (or names no label value) is not trusted
  const wrongs: Record<string, number>[] = [
    { '0': 3650, '1': 300 },
    { '0': 3650, '1': 301, '2': 50 },
    { '0': 3700, x: 300 },
  ];
  for (const wrong of wrongs) {
    const ed = new LabelmapEditor(labels, dims, [1, 1, 1], undefined, wrong);
    assert.deepEqual([...ed.counts.slice(0, 4)], [3650, 300, 50, 0], JSON.stringify(wrong));
  }
});

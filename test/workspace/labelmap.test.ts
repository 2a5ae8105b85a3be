import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLabelMap, formatLabelMap, parseLabelMap } from '../../engine/workspace/labelmap.js';
import { LobuleError } from '../../engine/errors.js';

test('label map 2:1 merges tumour into liver and keeps every other value', () => {
  const m = parseLabelMap('2:1');
  assert.deepEqual([...applyLabelMap(Uint8Array.from([0, 1, 2, 3]), m)], [0, 1, 1, 3]);
});

test("label map '5:1,*:0' keeps only 5 as 1 and clears every other class", () => {
  const m = parseLabelMap('5:1,*:0');
  assert.deepEqual([...applyLabelMap(Uint8Array.from([0, 1, 5, 6, 117, 5]), m)], [0, 0, 1, 0, 0, 1]);
  assert.equal(formatLabelMap(m), '5:1,*:0');
});

test('bad label maps are refused with a message naming the bad part', () => {
  for (const [spec, part] of [
    ['2-1', '2-1'],
    ['2:300', '300'],
    ['a:1', 'a'],
    ['', 'no pairs'],
    ['1:1,1:2', 'twice'],
  ] as const) {
    assert.throws(
      () => parseLabelMap(spec),
      (e: unknown) => e instanceof LobuleError && e.code === 'E_INVALID_ARGUMENT' && e.message.includes(part),
    );
  }
});

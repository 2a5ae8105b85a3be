import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countLabels } from '../../renderer/src/edit/labelmapEditor.js';
import { mulberry32 } from '../../engine/common/rng.js';

/** The plain byte loop countLabels must agree with. */
function byteLoop(labels: Uint8Array): Float64Array {
  const counts = new Float64Array(256);
  for (const v of labels) counts[v]++;
  return counts;
}

test('countLabels equals a byte-by-byte count on sparse labels, whatever the length and the byte offset', () => {
  const rng = mulberry32(7);
  const buffer = new Uint8Array(4099);
  for (let n = 0; n < buffer.length; n++) if (rng() < 0.05) buffer[n] = 1 + Math.floor(rng() * 254);
  for (const [offset, length] of [
    [0, 4099],
    [1, 4001],
    [3, 17],
    [4, 4095],
    [0, 0],
    [2, 3],
  ]) {
    const labels = new Uint8Array(buffer.buffer, offset, length);
    const counts = new Float64Array(256).fill(9); // stale counts are replaced, not added to
    countLabels(labels, counts);
    assert.deepEqual(Array.from(counts), Array.from(byteLoop(labels)), `offset ${offset}, length ${length}`);
  }
});

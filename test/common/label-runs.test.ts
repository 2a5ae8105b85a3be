/** The run-length wire form of labelmaps (engine/common/label-runs.ts): exact round trips, small, strict. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLabelRuns, encodeLabelRuns } from '../../engine/common/label-runs.js';
import { mulberry32 } from '../../engine/common/rng.js';

function roundTrip(labels: Uint8Array): Uint8Array {
  const encoded = encodeLabelRuns(labels);
  const back = decodeLabelRuns(encoded);
  assert.deepEqual(back, labels);
  return encoded;
}

test('a segmented labelmap round-trips exactly and is a small fraction of its voxels', () => {
  const [nx, ny, nz] = [64, 48, 40];
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 8; k < 30; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const r2 = (i - 30) ** 2 + (j - 24) ** 2;
        if (r2 < 300) labels[i + nx * (j + ny * k)] = r2 < 40 ? 2 : 1;
      }
  const encoded = roundTrip(labels);
  assert.ok(encoded.byteLength < labels.byteLength / 10, `${encoded.byteLength} bytes for ${labels.byteLength} voxels`);
});

test('edge shapes round-trip: empty, one voxel, all one value, every value 0..255, odd offsets and lengths', () => {
  roundTrip(new Uint8Array(0));
  roundTrip(Uint8Array.of(7));
  roundTrip(new Uint8Array(1001).fill(255));
  roundTrip(Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256));
  const backing = new Uint8Array(1000);
  backing.fill(3, 100, 700);
  roundTrip(backing.subarray(1, 998)); // not word-aligned
  // runs that end at every position within a 4-voxel word
  for (let cut = 0; cut < 9; cut++) {
    const l = new Uint8Array(37);
    l.fill(1, cut, cut + 13);
    roundTrip(l);
  }
});

test('noise (more runs than voxels / 8) is sent as it is, and still round-trips', () => {
  const rand = mulberry32(5);
  const labels = Uint8Array.from({ length: 10_000 }, () => Math.floor(rand() * 3));
  const encoded = roundTrip(labels);
  assert.equal(encoded.byteLength, labels.byteLength + 12);
});

test('a damaged or foreign body is refused with a message that says what is wrong', () => {
  const encoded = encodeLabelRuns(new Uint8Array(100).fill(1, 10, 20));
  assert.throws(() => decodeLabelRuns(new Uint8Array(100)), /no LRL1 header/);
  assert.throws(() => decodeLabelRuns(encoded.subarray(0, encoded.byteLength - 1)), /runs need/);
  const wrongCount = encoded.slice();
  new DataView(wrongCount.buffer).setUint32(4, 99, true);
  assert.throws(() => decodeLabelRuns(wrongCount), /cover more than its 99 voxels/);
});

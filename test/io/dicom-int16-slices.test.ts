/** The SIMD slice writer (stored int16 + intercept, rows flipped) against plain per-voxel arithmetic: every sum, the
 * int16 limits on both sides, slice sizes that do not fill a 16-byte vector, and unsigned values above 32767. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { int16SliceWriter, type Int16SliceWriter } from '../../engine/io/dicom/int16-slices.js';
import { mulberry32 } from '../../engine/common/rng.js';

/** The writer; every machine Lobule is tested on has WebAssembly SIMD, so null here is a failure. */
function writerFor(nx: number, ny: number): Int16SliceWriter {
  const writer = int16SliceWriter(nx, ny);
  assert.ok(writer, 'the SIMD kernel compiles here');
  return writer;
}

/** Expected volume slice k: row r of `stored` lands on row ny − 1 − r. */
function expected(stored: ArrayLike<number>, nx: number, ny: number, inter: number): number[] {
  const out: number[] = new Array(nx * ny);
  for (let r = 0; r < ny; r++) for (let i = 0; i < nx; i++) out[(ny - 1 - r) * nx + i] = stored[r * nx + i] + inter;
  return out;
}

test('every slice size, from 1×1 to sizes that leave part of a vector, gets stored + intercept with rows flipped', () => {
  const rand = mulberry32(16);
  for (const [nx, ny] of [
    [1, 1],
    [3, 5],
    [7, 3],
    [8, 2],
    [17, 9],
    [512, 4],
  ]) {
    const writer = writerFor(nx, ny);
    const out = new Int16Array(nx * ny * 3).fill(7);
    for (const inter of [-1024, 0, 1000]) {
      const stored = Int16Array.from({ length: nx * ny }, () => Math.floor(rand() * 60000) - 30000 - inter);
      assert.ok(writer.place(out, 1, stored, inter), `${nx}×${ny} intercept ${inter}`);
      assert.deepEqual([...out.subarray(nx * ny, 2 * nx * ny)], expected(stored, nx, ny, inter), `${nx}×${ny} intercept ${inter}`);
    }
    assert.ok(out.subarray(0, nx * ny).every((v) => v === 7) && out.subarray(2 * nx * ny).every((v) => v === 7), 'other slices untouched');
  }
});

test('a sum one past either int16 limit is refused, and the limits themselves are kept', () => {
  const writer = writerFor(5, 3);
  const out = new Int16Array(15);
  for (const [value, inter, fits] of [
    [32767 - 1024, 1024, true],
    [32767 - 1023, 1024, false],
    [-32768 + 1024, -1024, true],
    [-32768 + 1023, -1024, false],
    [32767, 0, true],
    [-32768, 0, true],
  ] as const) {
    for (const at of [0, 7, 14]) {
      const stored = new Int16Array(15).fill(100);
      stored[at] = value;
      assert.equal(writer.place(out, 0, stored, inter), fits, `${value} + ${inter} at ${at}`);
    }
  }
});

test('unsigned stored values above 32767 are refused (their bits are not the same int16); up to 32767 they are kept', () => {
  const writer = writerFor(4, 4);
  const out = new Int16Array(16);
  const stored = new Uint16Array(16).fill(4095);
  stored[9] = 32767;
  assert.ok(writer.place(out, 0, stored, -1024));
  assert.deepEqual([...out], expected(stored, 4, 4, -1024));
  for (const [value, inter] of [
    [32768, 0],
    [40000, -1024],
  ]) {
    stored[9] = value;
    assert.equal(writer.place(out, 0, stored, inter), false, `${value} + ${inter}`);
  }
});

test('stored values decoded into the writer’s own input are placed as they are', () => {
  const writer = writerFor(6, 2);
  const stored = new Int16Array(writer.input.buffer, writer.input.byteOffset, 12);
  stored.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const out = new Int16Array(12);
  assert.ok(writer.place(out, 0, stored, -1));
  assert.deepEqual([...out], [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5]);
});

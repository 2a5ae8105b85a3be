/** The int16 fast path (the SIMD slice writer) must give exactly what per-voxel arithmetic gives, and fall back to
 * the per-voxel copy, or to a wider type when stored value + intercept leaves int16: these series exercise the edges. The images are tall
 * enough (over 256 KB a file) to take the large-file path a real CT series takes. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDicomSeries } from '../../engine/io/dicom/index.js';
import { buildDicom } from './dicom-builder.js';

const ROWS = 40000;
type Stored = Int16Array | Uint16Array;
const tmp = mkdtempSync(join(tmpdir(), 'lobule-dicom-rescale-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Two slices of `cols`×ROWS 16-bit pixels (signed unless said) with `intercept`; returns the folder and the stored values. */
function series(name: string, cols: number, values: number[], intercept: number, signed = true): { dir: string; stored: Stored[] } {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const stored: Stored[] = [];
  for (let k = 0; k < 2; k++) {
    const px = signed ? new Int16Array(cols * ROWS) : new Uint16Array(cols * ROWS);
    for (let i = 0; i < px.length; i++) px[i] = values[(i + k) % values.length];
    stored.push(px);
    const file = buildDicom({
      transferSyntax: '1.2.840.10008.1.2.1',
      rows: ROWS,
      columns: cols,
      position: [0, 0, k],
      instanceUid: `1.2.3.9.${k}`,
      rescale: { slope: 1, intercept },
      signed,
      pixelData: new Uint8Array(px.buffer),
      encapsulated: false,
    });
    writeFileSync(join(dir, `${k}.dcm`), file);
  }
  return { dir, stored };
}

/** Expected voxel (i, j, k) in dcm2niix layout: rows flipped. */
function expectVoxels(vol: { data: ArrayLike<number> }, stored: Stored[], cols: number, intercept: number): void {
  for (let k = 0; k < 2; k++) {
    for (let row = 0; row < ROWS; row++) {
      for (let c = 0; c < cols; c++) {
        const got = vol.data[c + cols * (ROWS - 1 - row) + cols * ROWS * k];
        if (got !== stored[k][row * cols + c] + intercept)
          assert.equal(got, stored[k][row * cols + c] + intercept, `voxel ${c},${row},${k}`);
      }
    }
  }
}

const EDGES = [-32768, -32767, -1, 0, 1, 32766, 32767, -1024, 3071];

test('int16 series with intercept 0 keep every value, up to both int16 limits, with even and odd widths', async () => {
  for (const cols of [4, 5]) {
    const { dir, stored } = series(`zero-${cols}`, cols, EDGES, 0);
    const vol = await readDicomSeries(dir);
    assert.ok(vol.data instanceof Int16Array);
    expectVoxels(vol, stored, cols, 0);
  }
});

test('a negative intercept that keeps values in int16 is added exactly, including carries between neighbours', async () => {
  const values = [-31744, -1, 0, 1, 1023, 1024, 32767, -2, 255, 256, -256];
  for (const cols of [6, 7]) {
    const { dir, stored } = series(`neg-${cols}`, cols, values, -1024);
    const vol = await readDicomSeries(dir);
    assert.ok(vol.data instanceof Int16Array);
    expectVoxels(vol, stored, cols, -1024);
  }
});

test('values pushed beyond int16 by the intercept come back as float32, not wrapped around', async () => {
  for (const [intercept, value] of [
    [-1024, -32000],
    [1024, 32000],
  ]) {
    const { dir, stored } = series(`over-${intercept}`, 4, [0, value, 5, -5], intercept);
    const vol = await readDicomSeries(dir);
    assert.ok(vol.data instanceof Float32Array, `intercept ${intercept}: ${vol.data.constructor.name}`);
    expectVoxels(vol, stored, 4, intercept);
  }
});

test('unsigned values above 32767 that the intercept brings into int16 are read exactly as int16', async () => {
  const { dir, stored } = series('unsigned-high', 5, [0, 1, 32767, 32768, 40000, 65535], -32768, false);
  const vol = await readDicomSeries(dir);
  assert.ok(vol.data instanceof Int16Array, vol.data.constructor.name);
  expectVoxels(vol, stored, 5, -32768);
});

test('unsigned 16-bit values that stay above int16 come back as float32, not wrapped around', async () => {
  const { dir, stored } = series('unsigned-over', 4, [0, 4095, 40000, 65535], -1024, false);
  const vol = await readDicomSeries(dir);
  assert.ok(vol.data instanceof Float32Array, vol.data.constructor.name);
  expectVoxels(vol, stored, 4, -1024);
});

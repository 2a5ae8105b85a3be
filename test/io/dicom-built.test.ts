import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { readDicomSeries } from '../../engine/io/dicom/index.js';
import { parseDicomBytes } from '../../engine/io/dicom/parse.js';
import { decodeFrame } from '../../engine/io/dicom/pixels.js';
import { LobuleError } from '../../engine/errors.js';
import { buildDicom, type SliceSpec } from './dicom-builder.js';

const require = createRequire(import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'lobule-dicom-built-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Encoder {
  getDecodedBuffer(info: object): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

async function jpegLs(pixels: Int16Array, width: number, height: number): Promise<Uint8Array> {
  const m = await (require('@cornerstonejs/codec-charls/wasmjs') as (o: object) => Promise<{ JpegLSEncoder: new () => Encoder }>)({
    print() {},
    printErr() {},
  });
  const e = new m.JpegLSEncoder();
  try {
    e.getDecodedBuffer({ width, height, bitsPerSample: 16, componentCount: 1, isSigned: true }).set(
      new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength),
    );
    e.encode();
    return e.getEncodedBuffer().slice();
  } finally {
    e.delete();
  }
}

test('a JPEG-LS copy of case C reads voxel-for-voxel like the uncompressed original', async () => {
  const dir = join(tmp, 'jpegls');
  mkdirSync(dir);
  for (const name of ['01.dcm', '02.dcm', '03.dcm']) {
    const src = parseDicomBytes(name, readFileSync(sharedData(`dcmqi/ct-3slice/${name}`)));
    assert.ok(src);
    const stored = await decodeFrame(src);
    assert.ok(stored instanceof Int16Array);
    const spec: SliceSpec = {
      transferSyntax: '1.2.840.10008.1.2.4.80',
      rows: src.rows,
      columns: src.columns,
      position: src.position as number[],
      orientation: src.orientation,
      pixelSpacing: src.pixelSpacing,
      instanceUid: `1.2.3.${name.slice(0, 2)}`,
      rescale: { slope: 1, intercept: -1024 },
      pixelData: await jpegLs(stored, src.columns, src.rows),
      encapsulated: true,
    };
    writeFileSync(join(dir, name), buildDicom(spec));
  }
  const original = await readDicomSeries(sharedData('dcmqi/ct-3slice'));
  const copy = await readDicomSeries(dir);
  assert.deepEqual(copy.dims, original.dims);
  assert.deepEqual(copy.affine, original.affine);
  assert.deepEqual(copy.data, original.data);
});

function tiny(dir: string, name: string, over: Partial<SliceSpec>): void {
  const rows = over.rows ?? 3,
    columns = over.columns ?? 4;
  const pixels = new Int16Array(rows * columns).map((_, i) => i * 10);
  writeFileSync(
    join(dir, name),
    buildDicom({
      transferSyntax: '1.2.840.10008.1.2.1',
      rows,
      columns,
      position: [0, 0, 0],
      instanceUid: `1.2.9.${name.length}.${name.charCodeAt(0)}`,
      pixelData: new Uint8Array(pixels.buffer),
      encapsulated: false,
      ...over,
    }),
  );
}

async function rejectsWith(dir: string, pattern: RegExp): Promise<void> {
  await assert.rejects(readDicomSeries(dir), (e: unknown) => {
    assert.ok(e instanceof LobuleError, String(e));
    assert.equal(e.code, 'E_GEOMETRY');
    assert.match(e.message, pattern);
    return true;
  });
}

test('explicit-LE slices sort along the normal, and mixed sizes, orientations and duplicates are refused', async () => {
  const ok = join(tmp, 'ok');
  mkdirSync(ok);
  // slice normal is +x here (row dir +y, column dir +z): names deliberately out of order
  for (const [name, x] of [
    ['a', 2],
    ['b', 0],
    ['c', 1],
  ] as const)
    tiny(ok, name, { position: [x, 0, 0], orientation: [0, 1, 0, 0, 0, 1] });
  const vol = await readDicomSeries(ok);
  assert.deepEqual(vol.dims, [4, 3, 3]);
  assert.deepEqual([vol.affine[2], vol.affine[6], vol.affine[10]], [-1, -0, 0]); // k runs along LPS +x = RAS -x
  assert.equal(vol.data[0], 80); // first voxel: last DICOM row (rows are flipped as dcm2niix does)

  const sizes = join(tmp, 'sizes');
  mkdirSync(sizes);
  tiny(sizes, 'a', { position: [0, 0, 0] });
  tiny(sizes, 'b', { position: [0, 0, 1], rows: 2 });
  await rejectsWith(sizes, /mixes image sizes/);

  const orient = join(tmp, 'orient');
  mkdirSync(orient);
  tiny(orient, 'a', { position: [0, 0, 0] });
  tiny(orient, 'b', { position: [0, 0, 1], orientation: [1, 0, 0, 0, 0, -1] });
  await rejectsWith(orient, /mixes slice orientations/);

  const dup = join(tmp, 'dup');
  mkdirSync(dup);
  tiny(dup, 'a', { position: [0, 0, 0] });
  tiny(dup, 'b', { position: [0, 0, 0] });
  await rejectsWith(dup, /two slices at the same position/);
});

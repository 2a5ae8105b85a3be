/** NRRD `kinds`: an axis of a range kind (RGB-color, vector, list) is per-voxel values, not a spatial axis. Built from
 * dcmqi's real liver_seg.nrrd (512×512×3 short), its voxels re-declared with other axes in the test. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sharedData } from '../helpers/data.js';
import { parseNrrdHeader, readNrrd } from '../../engine/io/nrrd.js';
import { LobuleError } from '../../engine/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-nrrd-kinds-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SOURCE = sharedData('dcmqi/liver_seg.nrrd');

/** liver_seg.nrrd's voxels (raw) under a header with `fields`. */
function rewritten(name: string, fields: Record<string, string>): string {
  const bytes = readFileSync(SOURCE);
  const { dataStart } = parseNrrdHeader(bytes, SOURCE);
  const voxels = gunzipSync(bytes.subarray(dataStart));
  const head = [
    'NRRD0004',
    'type: short',
    'endian: little',
    'encoding: raw',
    'space: left-posterior-superior',
    ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`),
  ].join('\n');
  const path = join(tmp, name);
  writeFileSync(path, Buffer.concat([Buffer.from(`${head}\n\n`, 'latin1'), voxels]));
  return path;
}

test('an RGB-color axis without space directions is refused naming the kinds field, not read as a spatial axis', async () => {
  // the same 786432 shorts as 3 colours × 512 × 512: read as a 3×512×512 volume before kinds were honoured
  const path = rewritten('rgb.nrrd', { dimension: '3', sizes: '3 512 512', kinds: 'RGB-color domain domain' });
  await assert.rejects(readNrrd(path), (e: unknown) => {
    assert.ok(e instanceof LobuleError, String(e));
    assert.match(e.message, /3 values per voxel/);
    assert.match(e.message, /kind 'RGB-color'/);
    assert.match(e.message, /kinds: RGB-color domain domain/);
    return true;
  });
});

test('a vector axis with a space direction of its own is refused too', async () => {
  const path = rewritten('vector.nrrd', {
    dimension: '4',
    sizes: '3 512 512 1',
    kinds: 'vector domain domain domain',
    'space directions': '(1,0,0) (0.81,0,0) (0,0.81,0) (0,0,1)',
    'space origin': '(0,0,0)',
  });
  await assert.rejects(readNrrd(path), (e: unknown) => e instanceof LobuleError && /kind 'vector'/.test(e.message));
});

test('a single-channel list axis is dropped and the volume reads like the original, spacings included', async () => {
  const original = await readNrrd(SOURCE);
  const path = rewritten('list1.nrrd', {
    dimension: '4',
    sizes: '1 512 512 3',
    kinds: 'list domain domain domain',
    spacings: 'nan 0.810547 0.810547 1',
  });
  const vol = await readNrrd(path);
  assert.deepEqual(vol.dims, [512, 512, 3]);
  assert.deepEqual([...vol.data], [...original.data]);
  const near = (v: number, want: number) => Math.abs(Math.abs(v) - want) < 1e-6;
  assert.ok(near(vol.affine[0], 0.810547) && near(vol.affine[5], 0.810547) && near(vol.affine[10], 1), `affine ${[...vol.affine]}`);
});

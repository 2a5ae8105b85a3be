import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { readNifti, readNiftiHeader } from '../../engine/io/nifti.js';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { sharedData } from '../helpers/data.js';
import { makeVolume, type VoxelArray } from '../../engine/common/volume.js';
import { affinesEqual } from '../../engine/common/affine.js';

const dir = mkdtempSync(join(tmpdir(), 'lobule-nifti-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OBLIQUE = (() => {
  const c = Math.cos(0.3),
    s = Math.sin(0.3);
  return [-0.8, 0, 0, 120.5, 0, 0.9 * c, -2.5 * s, -30.25, 0, 0.9 * s, 2.5 * c, 7, 0, 0, 0, 1];
})();

const arrays: [string, VoxelArray][] = [
  ['uint8', Uint8Array.from({ length: 60 }, (_, i) => (i * 37) % 256)],
  ['int16', Int16Array.from({ length: 60 }, (_, i) => i * 997 - 30000)],
  ['int32', Int32Array.from({ length: 60 }, (_, i) => i * 71234567 - 2e9)],
  ['float32', Float32Array.from({ length: 60 }, (_, i) => Math.sin(i) * 1e3)],
  ['float64', Float64Array.from({ length: 60 }, (_, i) => Math.cos(i) / 3)],
];

for (const [name, data] of arrays) {
  for (const ext of ['.nii.gz', '.nii']) {
    test(`write→read round trip is bit-exact for ${name} ${ext} with an oblique LPS-ish affine`, async () => {
      const vol = makeVolume(data, [5, 4, 3], OBLIQUE);
      const path = join(dir, `rt-${name}${ext}`);
      await writeNifti(path, vol);
      const back = await readNifti(path);
      assert.equal(back.data.constructor, data.constructor);
      assert.deepEqual(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength), Buffer.from(data.buffer));
      assert.deepEqual(back.dims, [5, 4, 3]);
      assert.ok(affinesEqual(back.affine, OBLIQUE, 1e-5));
      const h = await readNiftiHeader(path);
      assert.equal(h.sformCode, 2);
      assert.equal(h.qformCode, 1);
    });
  }
}

test('the qform written matches the affine (readers that ignore the sform get the same geometry)', async () => {
  const path = join(dir, 'qform.nii.gz');
  await writeNifti(path, makeVolume(new Int16Array(60), [5, 4, 3], OBLIQUE));
  const bytes = readFileSync(path);
  assert.ok(bytes.length > 0);
  // zero the sform code in a .nii copy so the reader falls back to the qform
  const plain = join(dir, 'qform.nii');
  await writeNifti(plain, makeVolume(new Int16Array(60), [5, 4, 3], OBLIQUE));
  const raw = readFileSync(plain);
  raw.writeInt16LE(0, 254);
  const qonly = join(dir, 'qform-only.nii');
  await import('node:fs/promises').then((fs) => fs.writeFile(qonly, raw));
  const back = await readNifti(qonly);
  assert.ok(affinesEqual(back.affine, OBLIQUE, 1e-4), JSON.stringify([...back.affine]));
});

test('re-writing a real CT and its labels reproduces the same voxels and affine', async () => {
  for (const file of [
    'totalsegmentator/example_ct_sm.nii.gz',
    'totalsegmentator/example_seg_dicom.nii.gz',
    'totalsegmentator/aorta_report/ct_cropped.nii.gz',
  ]) {
    const vol = await readNifti(sharedData(file));
    const path = join(dir, 'copy.nii.gz');
    await writeNifti(path, vol);
    const back = await readNifti(path);
    assert.deepEqual(back.data, vol.data);
    assert.ok(affinesEqual(back.affine, vol.affine, 1e-6));
  }
});

test('writeNifti leaves no temp file behind and refuses bad names without writing', async () => {
  await assert.rejects(writeNifti(join(dir, 'x.png'), makeVolume(new Uint8Array(8), [2, 2, 2], OBLIQUE)), /does not end in \.nii\.gz/);
  await assert.rejects(
    writeNifti(join(dir, 'nan.nii.gz'), makeVolume(new Uint8Array(8), [2, 2, 2], [NaN, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])),
    /non-finite/,
  );
  await assert.rejects(writeNifti(join(dir, 'missing', 'a.nii.gz'), makeVolume(new Uint8Array(8), [2, 2, 2], OBLIQUE)), /does not exist/);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp') || f === 'x.png' || f === 'nan.nii.gz'),
    [],
  );
});

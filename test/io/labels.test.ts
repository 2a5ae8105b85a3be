import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sharedData } from '../helpers/data.js';
import { readNrrd } from '../../engine/io/nrrd.js';
import { alignLabelsTo, detectFormat, loadLabelsOnto, loadVolume } from '../../engine/io/load.js';
import { labelCounts } from '../../engine/common/crop.js';
import { reorient } from '../../engine/common/orientation.js';
import { gridsEqual } from '../../engine/common/affine.js';
import type { Volume } from '../../engine/common/volume.js';
import { assertAffine } from './facts.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-labels-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let ctC: Volume | undefined;
async function caseC(): Promise<Volume> {
  ctC ??= await loadVolume(sharedData('dcmqi/ct-3slice'));
  return ctC;
}

test('readNrrd reads the gzip LPS labelmap of case C with RAS affine and on-disk short type', async () => {
  const v = await readNrrd(sharedData('dcmqi/liver_seg.nrrd'));
  assert.deepEqual(v.dims, [512, 512, 3]);
  assert.ok(v.data instanceof Int16Array);
  assertAffine(
    v.affine,
    [
      [-0.810547, 0, 0, 235.2],
      [0, -0.810547, 0, 226.8],
      [0, 0, 1, -128.69],
      [0, 0, 0, 1],
    ],
    'liver_seg.nrrd',
  );
  assert.deepEqual(
    [...labelCounts(v)],
    [
      [0, 512 * 512 * 3 - 107098],
      [1, 107098],
    ],
  );
});

test('case C: the NRRD mask and the DICOM SEG mask cover exactly the same CT voxels, and they are liver-like', async () => {
  const ct = await caseC();
  const fromNrrd = await loadLabelsOnto(sharedData('dcmqi/liver_seg.nrrd'), ct);
  const fromSeg = await loadLabelsOnto(sharedData('dcmqi/liver.dcm'), ct);
  assert.ok(gridsEqual(fromNrrd, ct) && gridsEqual(fromSeg, ct));
  assert.equal(labelCounts(fromNrrd).get(1), 107098);
  assert.deepEqual(fromSeg.data, fromNrrd.data);
  let sum = 0,
    n = 0;
  for (let p = 0; p < ct.data.length; p++)
    if (fromSeg.data[p] === 1) {
      sum += ct.data[p];
      n++;
    }
  assert.ok(sum / n > 30 && sum / n < 200, `mean HU under the liver mask: ${sum / n}`);
});

test('labels on another grid are refused with E_GEOMETRY naming both geometries', async () => {
  const ct = await caseC();
  await assert.rejects(loadLabelsOnto(sharedData('totalsegmentator/example_seg.nii.gz'), ct), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_GEOMETRY');
    assert.match(
      e.message,
      new RegExp(
        String.raw`example_seg\.nii\.gz' are not on the image's voxel grid: labels 122×101×30 voxels of 3×3×3 mm, RAS.*` +
          String.raw`image 512×512×3 voxels of 0\.8105×0\.8105×1 mm, LAS`,
      ),
    );
    return true;
  });
});

test('alignLabelsTo undoes any axis permutation/flip and keeps the reference affine', async () => {
  const ref = await loadVolume(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  const labels = await loadLabelsOnto(sharedData('totalsegmentator/example_seg.nii.gz'), ref);
  const shuffled = reorient(labels, 'SLP');
  const back = alignLabelsTo(shuffled, ref, 'shuffled');
  assert.deepEqual(back.data, labels.data);
  assert.deepEqual(back.affine, ref.affine);
});

test('non-label values in a label file are refused with the value', async () => {
  const ref = await loadVolume(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  await assert.rejects(
    loadLabelsOnto(sharedData('totalsegmentator/example_ct_sm.nii.gz'), ref),
    /is not a label map: voxel 0 has value -1024/,
  );
});

function nrrdHeader(extra: string): string {
  return (
    `NRRD0004\ntype: short\ndimension: 3\nspace: right-anterior-superior\nsizes: 3 2 2\n` +
    `space directions: (2,0,0) (0,2,0) (0,0,3)\nspace origin: (10,20,30)\n${extra}`
  );
}

test('NRRD raw big-endian, gzip and detached .nhdr give the same voxels', async () => {
  const values = Int16Array.from({ length: 12 }, (_, i) => i * 100 - 300);
  const le = Buffer.from(values.buffer);
  const be = Buffer.from(le);
  be.swap16();
  writeFileSync(join(tmp, 'be.nrrd'), Buffer.concat([Buffer.from(nrrdHeader('endian: big\nencoding: raw\n\n')), be]));
  writeFileSync(join(tmp, 'gz.nrrd'), Buffer.concat([Buffer.from(nrrdHeader('endian: little\nencoding: gzip\n\n')), gzipSync(le)]));
  writeFileSync(join(tmp, 'data.raw'), le);
  writeFileSync(join(tmp, 'det.nhdr'), nrrdHeader('endian: little\nencoding: raw\ndata file: data.raw\n'));
  for (const f of ['be.nrrd', 'gz.nrrd', 'det.nhdr']) {
    const v = await loadVolume(join(tmp, f));
    assert.deepEqual([...v.data], [...values], f);
    assertAffine(
      v.affine,
      [
        [2, 0, 0, 10],
        [0, 2, 0, 20],
        [0, 0, 3, 30],
        [0, 0, 0, 1],
      ],
      f,
    );
  }
  writeFileSync(join(tmp, 'short.nrrd'), Buffer.concat([Buffer.from(nrrdHeader('encoding: raw\n\n')), le.subarray(0, 10)]));
  await assert.rejects(readNrrd(join(tmp, 'short.nrrd')), /short\.nrrd' is truncated: its header claims 24 bytes/);
});

test('loadVolume detects DICOM folders, single DICOM files, NIfTI and NRRD; a SEG is not an image', async () => {
  assert.equal(await detectFormat(sharedData('dcmqi/ct-3slice')), 'dicom-folder');
  assert.equal(await detectFormat(sharedData('dcmqi/liver_seg.nrrd')), 'nrrd');
  assert.equal(await detectFormat(sharedData('totalsegmentator/example_ct_sm.nii.gz')), 'nifti');
  const one = await loadVolume(sharedData('dcmqi/ct-3slice/02.dcm'));
  assert.deepEqual(one.dims, [512, 512, 3]);
  await assert.rejects(loadVolume(sharedData('dcmqi/liver.dcm')), /is a DICOM segmentation, not an image/);
  await assert.rejects(loadVolume(join(tmp, 'nothing.nii.gz')), (e: Error & { code?: string }) => e.code === 'E_NOT_FOUND');
});

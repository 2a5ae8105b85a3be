/**
 * The DICOM reading classes a conformance run over public test files found silently wrong or refused, each proved on
 * a real slice of the corpus changed in memory (dcmjs) the way real files in the wild differ.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { readDicomSeries, readDicomSeriesWithReport } from '../../engine/io/dicom/index.js';
import { LobuleError } from '../../engine/errors.js';
import { writeNifti } from '../../engine/io/nifti-write.js';
import * as nifti from 'nifti-reader-js';
import type { Volume } from '../../engine/common/volume.js';
import {
  CT3,
  encode,
  jpegLsEncode,
  newUid,
  readReal,
  rleEncode16,
  setPixels,
  storedInt16,
  writeDerived,
  type RealFile,
} from './dicom-derive.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-dicom-conf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let original: Volume | undefined;
async function ct3(): Promise<Volume> {
  original ??= await readDicomSeries(sharedData('dcmqi/ct-3slice'));
  return original;
}

function folder(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The three real slices, each changed by `change` (which gets the file and its stored int16 pixels). */
async function derivedSeries(
  name: string,
  change: (f: RealFile, px: Int16Array, n: number) => Promise<string | void> | string | void,
): Promise<string> {
  const dir = folder(name);
  for (let n = 0; n < CT3.length; n++) {
    const f = readReal(CT3[n]);
    const ts = await change(f, storedInt16(f), n);
    writeDerived(join(dir, `${n}.dcm`), f, ts || undefined);
  }
  return dir;
}

function assertSameVoxels(got: Volume, want: Volume, what: string): void {
  assert.deepEqual(got.dims, want.dims, what);
  assert.deepEqual(Array.from(got.affine), Array.from(want.affine), what);
  let diff = 0,
    first = -1;
  for (let p = 0; p < want.data.length; p++)
    if (got.data[p] !== want.data[p]) {
      diff++;
      if (first < 0) first = p;
    }
  assert.equal(diff, 0, `${what}: ${diff} voxels differ, first at ${first}: ${got.data[first]} instead of ${want.data[first]}`);
}

// --- Bits Stored < Bits Allocated -------------------------------------------------------------------------------

test('12-bit signed CT stored without sign extension reads air as −1024 HU, not +3072 (native explicit LE)', async () => {
  const want = await ct3();
  const dir = await derivedSeries('bits12-signed', (f, px) => {
    // the real slices hold HU+1024 in int16 with intercept −1024; store HU itself in 12 bits, high 4 bits zero
    const hu = px.map((v) => Math.max(-2048, Math.min(2047, v - 1024)));
    setPixels(
      f,
      Uint16Array.from(hu, (v) => v & 0x0fff),
    );
    Object.assign(f.ds, { BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 1, RescaleIntercept: 0, RescaleSlope: 1 });
  });
  const vol = await readDicomSeries(dir);
  const clipped = Int16Array.from(want.data as Int16Array, (v) => Math.max(-2048, Math.min(2047, v)));
  assertSameVoxels(vol, { ...want, data: clipped }, '12-bit signed');
  assert.equal(vol.data[0], clipped[0]);
  let air = 0;
  for (let p = 0; p < vol.data.length; p++) if (vol.data[p] <= -900) air++;
  assert.ok(air > vol.data.length * 0.2, `only ${air} air voxels`);
});

test('garbage in the unused high bits of unsigned 12-bit data is masked (native, and HighBit 15 with the bits at the top)', async () => {
  const want = await ct3();
  const low = await derivedSeries('bits12-garbage', (f, px) => {
    const u = Uint16Array.from(px, (v) => Math.max(0, Math.min(4095, v)) | 0xa000); // overlay-like bits 13 and 15
    setPixels(f, u);
    Object.assign(f.ds, { BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 0 });
  });
  const high = await derivedSeries('bits12-highbit15', (f, px) => {
    setPixels(
      f,
      Uint16Array.from(px, (v) => (Math.max(0, Math.min(4095, v)) << 4) | 0x5),
    );
    Object.assign(f.ds, { BitsAllocated: 16, BitsStored: 12, HighBit: 15, PixelRepresentation: 0 });
  });
  const clipped = Int16Array.from(want.data as Int16Array, (v) => Math.max(-1024, Math.min(3071, v)));
  assertSameVoxels(await readDicomSeries(low), { ...want, data: clipped }, 'garbage high bits');
  assertSameVoxels(await readDicomSeries(high), { ...want, data: clipped }, 'HighBit 15');
});

test('signed 15-bit JPEG-LS keeps its sign (a negative stored value is not read as 2^15 + value)', async () => {
  const want = await ct3();
  const dir = await derivedSeries('jpegls-15', async (f, px) => {
    const rows = f.ds.Rows as number,
      cols = f.ds.Columns as number;
    const hu = px.map((v) => v - 1024); // HU in int16: negative for air and fat
    const encoded = await jpegLsEncode(
      Uint16Array.from(hu, (v) => v & 0x7fff),
      cols,
      rows,
      15,
    );
    f.ds.PixelData = [encoded.slice().buffer];
    Object.assign(f.ds, { BitsAllocated: 16, BitsStored: 15, HighBit: 14, PixelRepresentation: 1, RescaleIntercept: 0 });
    return '1.2.840.10008.1.2.4.80';
  });
  const vol = await readDicomSeries(dir);
  assertSameVoxels(vol, want, 'JPEG-LS 15-bit signed');
  assert.ok((vol.data as Int16Array).some((v) => v < -1000));
});

test('12-bit signed RLE without sign extension is sign-extended after decoding', async () => {
  const want = await ct3();
  const dir = await derivedSeries('rle-12', (f, px) => {
    const hu = px.map((v) => Math.max(-2048, Math.min(2047, v - 1024)));
    f.ds.PixelData = [rleEncode16(Uint16Array.from(hu, (v) => (v & 0x0fff) | 0x3000)).slice().buffer];
    Object.assign(f.ds, { BitsAllocated: 16, BitsStored: 12, HighBit: 11, PixelRepresentation: 1, RescaleIntercept: 0 });
    return '1.2.840.10008.1.2.5';
  });
  const clipped = Int16Array.from(want.data as Int16Array, (v) => Math.max(-2048, Math.min(2047, v)));
  assertSameVoxels(await readDicomSeries(dir), { ...want, data: clipped }, 'RLE 12-bit');
});

// --- Files without preamble ---------------------------------------------------------------------------------------

test('files without the 128-byte preamble (with DICM, without DICM, and with no file meta at all) are read, and said so', async () => {
  const dir = folder('no-preamble');
  const bytes = CT3.map((p) => readFileSync(sharedData(p)));
  writeFileSync(join(dir, 'a.dcm'), bytes[0].subarray(128)); // "DICM" + file meta + data set
  writeFileSync(join(dir, 'b.dcm'), bytes[1].subarray(132)); // file meta + data set
  const metaLength = bytes[2].readUInt32LE(140);
  writeFileSync(join(dir, 'c.dcm'), bytes[2].subarray(144 + metaLength)); // bare implicit-LE data set (ACR-NEMA style)
  const read = await readDicomSeriesWithReport(dir);
  assertSameVoxels(read.volume, await ct3(), 'preamble-less');
  assert.match(read.notes.join('\n'), /3 files have no DICOM preamble/);
});

// --- Errors ---------------------------------------------------------------------------------------------------------

test('a damaged file and a non-DICOM file in a folder are skipped and named; the series is read from the rest', async () => {
  const dir = folder('damaged');
  for (const p of CT3) writeFileSync(join(dir, p.slice(-6)), readFileSync(sharedData(p)));
  const damaged = Buffer.from(readFileSync(sharedData(CT3[0])).subarray(0, 1500));
  damaged.writeUInt32LE(0xfffffff0, 400); // an element length far past the end
  writeFileSync(join(dir, 'zz-damaged.dcm'), damaged);
  writeFileSync(join(dir, 'notes.txt'), 'scanned on Tuesday\n');
  const read = await readDicomSeriesWithReport(dir);
  assertSameVoxels(read.volume, await ct3(), 'with damaged neighbours');
  const names = read.skipped.map((s) => s.path.slice(dir.length + 1)).sort();
  assert.deepEqual(names, ['notes.txt', 'zz-damaged.dcm']);
  for (const s of read.skipped) assert.doesNotMatch(s.reason, /object Object/);
  assert.match(read.skipped.find((s) => s.path.endsWith('notes.txt'))!.reason, /not a DICOM file/);
  assert.match(read.notes.join('\n'), /notes\.txt/);
});

test('a folder with only a non-DICOM file names it instead of saying only "no DICOM images"', async () => {
  const dir = folder('only-text');
  writeFileSync(join(dir, 'readme.txt'), 'nothing here');
  await assert.rejects(readDicomSeries(dir), (e: unknown) => {
    assert.ok(e instanceof LobuleError);
    assert.match(e.message, /readme\.txt.*not a DICOM file/);
    return true;
  });
});

test('every decoder failure is a LobuleError naming the file, never [object Object]', async () => {
  const dir = folder('bad-jpegls');
  const f = readReal(CT3[0]);
  f.ds.PixelData = [new Uint8Array([0xff, 0xd8, 0xff, 0xf7, 0, 4, 1, 2]).buffer];
  writeDerived(join(dir, 'x.dcm'), f, '1.2.840.10008.1.2.4.80');
  await assert.rejects(readDicomSeries(dir), (e: unknown) => {
    assert.ok(e instanceof LobuleError, String(e));
    assert.match(e.message, /x\.dcm/);
    assert.doesNotMatch(e.message, /object Object/);
    return true;
  });
});

// --- Slice spacing: jitter and gaps --------------------------------------------------------------------------------

test('slice positions jittered by ±0.02 mm are read on the mean spacing with a note; a missing slice is named with positions', async () => {
  const jitter = await derivedSeries('jitter', (f, _px, n) => {
    const p = f.ds.ImagePositionPatient as number[];
    f.ds.ImagePositionPatient = [p[0], p[1], p[2] + [0, 0.02, -0.01][n]];
  });
  const read = await readDicomSeriesWithReport(jitter);
  assert.deepEqual(read.volume.dims, [512, 512, 3]);
  assert.match(read.notes.join('\n'), /positions deviate by up to 0\.02\d* mm from an even 1\.005 mm spacing/);
  const gap = folder('gap');
  const slices = [0, 1, 2].map((n) => readReal(CT3[n]));
  const extra = readReal(CT3[0]);
  extra.ds.SOPInstanceUID = newUid('gap');
  const p = extra.ds.ImagePositionPatient as number[];
  extra.ds.ImagePositionPatient = [p[0], p[1], p[2] + 2]; // −124.69: one slice (−125.69) is missing
  slices.forEach((s, n) => writeDerived(join(gap, `${n}.dcm`), s));
  writeDerived(join(gap, 'far.dcm'), extra);
  await assert.rejects(readDicomSeries(gap), (e: unknown) => {
    assert.ok(e instanceof LobuleError);
    assert.match(e.message, /missing 1 slice between '.*0\.dcm' at -126\.69 mm and '.*far\.dcm' at -124\.69 mm/);
    return true;
  });
});

// --- Gantry tilt ---------------------------------------------------------------------------------------------------

test('a gantry-tilted series is resampled onto an orthogonal grid by default (like dcm2niix), with a note', async () => {
  const want = await ct3();
  // z falls by 1 mm per file; shift each slice one pixel along its columns per mm, as a 39° tilt does
  const dir = await derivedSeries('tilt', (f, _px, n) => {
    const p = f.ds.ImagePositionPatient as number[];
    const ps = (f.ds.PixelSpacing as number[])[0];
    f.ds.ImagePositionPatient = [p[0], p[1] + n * ps, p[2]];
    f.ds.GantryDetectorTilt = 39;
  });
  const read = await readDicomSeriesWithReport(dir);
  const a = read.volume.affine;
  const col = (c: number) => [a[c], a[4 + c], a[8 + c]];
  const dotc = (x: number[], y: number[]) => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
  assert.ok(Math.abs(dotc(col(0), col(2))) < 1e-9 && Math.abs(dotc(col(1), col(2))) < 1e-9, 'k axis is orthogonal to the slice plane');
  assert.match(read.notes.join('\n'), /gantry tilt of 39\.0\d° corrected/);
  // sorted by ascending z, slice k is file 2−k, which lies k rows further along −y than slice 0: after
  // resampling, its flipped row j holds the original's row j − k (rows j < k came from outside the image)
  const [nx, ny] = want.dims;
  for (let k = 0; k < 3; k++) {
    for (let j = k; j < ny; j++) {
      const got = read.volume.data.subarray(nx * (j + ny * k), nx * (j + 1 + ny * k));
      const src = want.data.subarray(nx * (j - k + ny * k), nx * (j - k + 1 + ny * k));
      assert.deepEqual(got, src, `slice ${k} row ${j}`);
    }
  }
  // written as NIfTI, the qform (what ITK readers use) agrees with the sform at every corner within 0.001 mm
  const nii = join(tmp, 'tilt.nii');
  await writeNifti(nii, read.volume);
  const bytes = readFileSync(nii);
  const header = nifti.readHeader(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  assert.ok(header);
  const q = header.getQformMat(),
    sf = [header.affine[0], header.affine[1], header.affine[2]];
  const [nx0, ny0, nz0] = read.volume.dims;
  for (const c of [
    [0, 0, 0],
    [nx0 - 1, 0, 0],
    [0, ny0 - 1, 0],
    [0, 0, nz0 - 1],
    [nx0 - 1, ny0 - 1, nz0 - 1],
  ]) {
    for (let r = 0; r < 3; r++) {
      const viaQ = q[r][0] * c[0] + q[r][1] * c[1] + q[r][2] * c[2] + q[r][3];
      const viaS = sf[r][0] * c[0] + sf[r][1] * c[1] + sf[r][2] * c[2] + sf[r][3];
      assert.ok(Math.abs(viaQ - viaS) < 1e-3, `corner ${c} axis ${r}: qform ${viaQ} vs sform ${viaS}`);
    }
  }
  const sheared = await readDicomSeriesWithReport(dir, { tilt: 'shear' });
  assertSameVoxels({ ...sheared.volume, affine: want.affine }, want, 'sheared keeps the stored voxels');
});

// --- Enhanced multi-frame --------------------------------------------------------------------------------------------

test('an enhanced multi-frame CT is read from its per-frame functional groups (position, orientation, rescale)', async () => {
  const want = await ct3();
  const frames = CT3.map(readReal);
  const first = frames[0];
  const rows = first.ds.Rows as number,
    cols = first.ds.Columns as number;
  const pixels = new Int16Array(rows * cols * 3);
  // frame order deliberately not by position, and frame 2 stored with another rescale
  const order = [1, 0, 2];
  const perFrame = order.map((n, slot) => {
    const px = storedInt16(frames[n]);
    const shift = slot === 2 ? 100 : 0;
    pixels.set(
      px.map((v) => v + shift),
      slot * rows * cols,
    );
    return {
      PlanePositionSequence: [{ ImagePositionPatient: frames[n].ds.ImagePositionPatient }],
      PixelValueTransformationSequence: [{ RescaleIntercept: -1024 - shift, RescaleSlope: 1, RescaleType: 'HU' }],
    };
  });
  const ds = first.ds;
  Object.assign(ds, {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2.1',
    NumberOfFrames: 3,
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: ds.ImageOrientationPatient }],
        PixelMeasuresSequence: [{ PixelSpacing: ds.PixelSpacing, SliceThickness: ds.SliceThickness }],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrame,
  });
  for (const k of ['ImagePositionPatient', 'ImageOrientationPatient', 'PixelSpacing', 'RescaleIntercept', 'RescaleSlope']) delete ds[k];
  first.meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.2.1';
  setPixels(first, pixels);
  const dir = folder('enhanced');
  writeDerived(join(dir, 'enhanced.dcm'), first);
  assertSameVoxels(await readDicomSeries(dir), want, 'enhanced CT');
});

// --- Siemens mosaic ---------------------------------------------------------------------------------------------------

test('a Siemens mosaic is refused as not supported, with the reason and what to do', async () => {
  const dir = await derivedSeries('mosaic', (f) => {
    f.ds.ImageType = ['ORIGINAL', 'PRIMARY', 'M', 'ND', 'MOSAIC'];
  });
  await assert.rejects(readDicomSeries(dir), (e: unknown) => {
    assert.ok(e instanceof LobuleError);
    assert.equal(e.code, 'E_UNSUPPORTED');
    assert.match(e.message, /Siemens mosaic.*dcm2niix/s);
    return true;
  });
});

test('derived files are real DICOM: the untouched re-encoding reads exactly like the original', async () => {
  const dir = folder('roundtrip');
  CT3.forEach((p, n) => writeFileSync(join(dir, `${n}.dcm`), encode(readReal(p))));
  assertSameVoxels(await readDicomSeries(dir), await ct3(), 're-encoded');
});

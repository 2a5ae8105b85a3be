/**
 * Rows of issue 15's table for the readers: each test builds the hostile input that once crashed, hung or
 * exhausted memory, and proves it now ends in a clear LobuleError (or, for a bomb whose header is honest about a
 * small image, in that small image) quickly and within bounded memory.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readNifti } from '../../engine/io/nifti.js';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { readNrrd } from '../../engine/io/nrrd.js';
import { loadVolume } from '../../engine/io/load.js';
import { makeVolume } from '../../engine/common/volume.js';
import { LobuleError } from '../../engine/errors.js';
import { sharedData } from '../helpers/data.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { importPaths } from '../../engine/workspace/importer.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-hostile-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function nii(name: string, dims: [number, number, number]): Promise<Buffer> {
  const path = join(tmp, `${name}.src.nii`);
  const n = dims[0] * dims[1] * dims[2];
  await writeNifti(
    path,
    makeVolume(
      Int16Array.from({ length: n }, (_, i) => i % 1000),
      dims,
      [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1],
    ),
  );
  return readFileSync(path);
}

async function refusedWithin(ms: number, read: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const started = Date.now();
  await assert.rejects(read, (e: unknown) => {
    assert.ok(e instanceof LobuleError, `not a LobuleError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
  assert.ok(Date.now() - started < ms, `took ${Date.now() - started} ms`);
}

test('a 3 MB .nii.gz bomb whose header says 10×10×10 inflates only the declared bytes: fast, small, correct', async () => {
  const head = gzipSync(await nii('bomb', [10, 10, 10]));
  // 48 more gzip members of 64 MiB of zeros each: 3 GiB behind a 10×10×10 header (the issue's bomb was 6.2 GiB)
  const zeros = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
  const bomb = Buffer.concat([head, ...Array.from({ length: 48 }, () => zeros)]);
  assert.ok(bomb.length > 2_500_000, `bomb is ${bomb.length} bytes`);
  const path = join(tmp, 'bomb.nii.gz');
  writeFileSync(path, bomb);
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const vol = await readNifti(path);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.deepEqual(vol.dims, [10, 10, 10]);
  assert.equal(vol.data[999], 999);
  assert.ok(vol.data.buffer.byteLength < 1 << 20, `voxels sit in a ${vol.data.buffer.byteLength} byte buffer`);
  assert.ok(process.memoryUsage().rss - rssBefore < 256 << 20, 'memory grew by more than 256 MiB');

  // imported as a case (stored as it is), every later open also inflates only the declared bytes
  const ws = await Workspace.init(join(tmp, 'bomb-ws'));
  try {
    const report = await importPaths(ws, [path], { acceptLabelLikeImages: true });
    assert.equal(report.imported.length, 1, JSON.stringify(report));
    for (let n = 0; n < 3; n++) {
      const opened = Date.now();
      assert.deepEqual((await ws.readImage(report.imported[0].caseId)).dims, [10, 10, 10]);
      assert.ok(Date.now() - opened < 3000, `open ${n} took ${Date.now() - opened} ms`);
    }
  } finally {
    await ws.close();
  }
});

test('a .nii.gz whose header declares more than the volume limit is refused naming the limit and how to raise it', async () => {
  const src = await nii('huge', [4, 4, 4]);
  src.writeInt16LE(4000, 42);
  src.writeInt16LE(4000, 44);
  src.writeInt16LE(4000, 46); // 4000³ int16 = 119 GiB
  writeFileSync(join(tmp, 'huge.nii.gz'), gzipSync(src));
  await refusedWithin(
    2000,
    readNifti(join(tmp, 'huge.nii.gz')),
    'E_UNSUPPORTED',
    /huge\.nii\.gz'.* declares 119\.21 GiB .*limit of 4 GiB.*LOBULE_MAX_VOLUME_BYTES/,
  );
});

test('NIfTI with vox_offset NaN is refused naming vox_offset (was a RangeError)', async () => {
  const src = await nii('voxnan', [4, 3, 2]);
  src.writeFloatLE(Number.NaN, 108);
  writeFileSync(join(tmp, 'voxnan.nii'), src);
  await refusedWithin(2000, readNifti(join(tmp, 'voxnan.nii')), 'E_CORRUPT', /voxnan\.nii' .*vox_offset is NaN/);
  await refusedWithin(2000, loadVolume(join(tmp, 'voxnan.nii')), 'E_CORRUPT', /vox_offset is NaN/);
});

test('NIfTI with a collapsed sform (two equal axes) is refused as singular, naming the file', async () => {
  const src = await nii('flat', [4, 3, 2]);
  for (let n = 0; n < 12; n++) src.writeFloatLE([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0][n], 280 + 4 * n);
  writeFileSync(join(tmp, 'flat.nii'), src);
  await refusedWithin(2000, readNifti(join(tmp, 'flat.nii')), 'E_CORRUPT', /flat\.nii' .*singular/);
});

const NRRD_GEOMETRY = (sizes: string, encoding: string) => [
  'NRRD0004',
  'type: uchar',
  'dimension: 3',
  `sizes: ${sizes}`,
  `encoding: ${encoding}`,
  'space: left-posterior-superior',
  'space directions: (1,0,0) (0,1,0) (0,0,1)',
  'space origin: (0,0,0)',
];

function nhdr(name: string, dataFile: string, dir = tmp): string {
  const path = join(dir, `${name}.nhdr`);
  writeFileSync(path, [...NRRD_GEOMETRY('4 4 4', 'raw'), `data file: ${dataFile}`, '', ''].join('\n'));
  return path;
}

test('.nhdr data file /dev/zero, a FIFO, /etc/passwd, ../ or a link out of the folder is refused at once', async () => {
  const fifo = join(tmp, 'pipe.raw');
  execFileSync('mkfifo', [fifo]);
  const inner = join(tmp, 'inner');
  mkdirSync(inner);
  writeFileSync(join(tmp, 'outside.raw'), Buffer.alloc(64, 1));
  symlinkSync('/etc/passwd', join(inner, 'passwd.raw'));
  await refusedWithin(
    2000,
    readNrrd(nhdr('zero', '/dev/zero')),
    'E_UNSUPPORTED',
    /zero\.nhdr' names data file '\/dev\/zero', an absolute path/,
  );
  await refusedWithin(2000, readNrrd(nhdr('passwd', '/etc/passwd')), 'E_UNSUPPORTED', /'\/etc\/passwd', an absolute path/);
  await refusedWithin(2000, readNrrd(nhdr('fifo', 'pipe.raw')), 'E_INVALID_ARGUMENT', /pipe\.raw' is not a regular file/);
  await refusedWithin(2000, readNrrd(nhdr('up', '../outside.raw', inner)), 'E_UNSUPPORTED', /leaves the header's folder/);
  await refusedWithin(2000, readNrrd(nhdr('link', 'passwd.raw', inner)), 'E_UNSUPPORTED', /a link that leads out of the header's folder/);
  // through the loader too, and a FIFO named like an image is refused instead of blocking on open
  await refusedWithin(2000, loadVolume(nhdr('zero2', '/dev/zero')), 'E_UNSUPPORTED', /an absolute path/);
  const fifoImage = join(tmp, 'pipe.dcm');
  execFileSync('mkfifo', [fifoImage]);
  await refusedWithin(2000, loadVolume(fifoImage), 'E_INVALID_ARGUMENT', /is not a regular file/);
});

test('.nhdr with its data file beside it reads, and a data file shorter than the header declares is refused', async () => {
  writeFileSync(join(tmp, 'ok.raw'), Buffer.from(Array.from({ length: 64 }, (_, i) => i)));
  const vol = await readNrrd(nhdr('ok', 'ok.raw'));
  assert.deepEqual(vol.dims, [4, 4, 4]);
  assert.equal(vol.data[63], 63);
  writeFileSync(join(tmp, 'short.raw'), Buffer.alloc(10));
  await refusedWithin(2000, readNrrd(nhdr('short', 'short.raw')), 'E_CORRUPT', /short\.nhdr' is truncated/);
});

test('a DICOM file without Rows gives a LobuleError, not a 0×0 volume', async () => {
  const bytes = readFileSync(sharedData('dcmqi/ct-3slice/01.dcm'));
  // implicit VR little endian (0028,0010), length 2 → (0028,0012): the element stays well-formed, Rows is gone
  const at = bytes.indexOf(Buffer.from([0x28, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00, 0x00]));
  assert.ok(at > 0);
  bytes.writeUInt16LE(0x0012, at + 2);
  const dir = join(tmp, 'norows');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.dcm'), bytes);
  await refusedWithin(5000, loadVolume(dir), 'E_CORRUPT', /norows/);
});

test('an uncompressed .nii much larger than its header declares is read only as far as the header says', async () => {
  const src = await nii('tail', [10, 10, 10]);
  const path = join(tmp, 'tail.nii');
  writeFileSync(path, src);
  execFileSync('truncate', ['-s', String(2 * 1024 ** 3), path]); // 2 GiB, sparse: 10×10×10 voxels, then zeros
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const vol = await readNifti(path);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.deepEqual(vol.dims, [10, 10, 10]);
  assert.equal(vol.data[999], 999);
  assert.ok(process.memoryUsage().rss - rssBefore < 64 << 20, 'the whole file was read');
  rmSync(path);
});

test('NRRD with gzip encoding and byte skip -1 is refused instead of inflating the whole stream', async () => {
  const path = join(tmp, 'skip.nrrd');
  const header = [...NRRD_GEOMETRY('2 2 2', 'gzip'), 'byte skip: -1', '', ''].join('\n');
  writeFileSync(path, Buffer.concat([Buffer.from(header), gzipSync(Buffer.alloc(64 << 20))]));
  await refusedWithin(2000, readNrrd(path), 'E_UNSUPPORTED', /skip\.nrrd' combines gzip encoding with byte skip -1/);
});

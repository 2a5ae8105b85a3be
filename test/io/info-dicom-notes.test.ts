/** `lobule info` on a DICOM folder reports what reading it took (skipped files here), as `lobule convert` does. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-info-notes-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const entry = join(dirname(fileURLToPath(import.meta.url)), 'cli-entry.ts');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('lobule info on a DICOM folder with a stray file prints the series and a note naming the skipped file', () => {
  const dir = join(tmp, 'ct');
  mkdirSync(dir);
  for (const n of ['01.dcm', '02.dcm', '03.dcm']) copyFileSync(sharedData(`dcmqi/ct-3slice/${n}`), join(dir, n));
  writeFileSync(join(dir, 'readme.txt'), 'exported from PACS\n');

  const text = cli('info', dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /shape\s+512 × 512 × 3/);
  assert.match(text.stderr, /note: 1 file was skipped:\n {2}'[^']*readme\.txt': not a DICOM file/);

  const json = cli('info', dir, '--json');
  assert.equal(json.code, 0, json.stderr);
  const info = JSON.parse(json.stdout) as { shape: number[]; notes?: string[] };
  assert.deepEqual(info.shape, [512, 512, 3]);
  assert.equal(info.notes?.length, 1);
  assert.match(info.notes![0], /readme\.txt': not a DICOM file/);
});

test('lobule info on a clean DICOM folder prints no notes', () => {
  const dir = join(tmp, 'clean');
  mkdirSync(dir);
  for (const n of ['01.dcm', '02.dcm', '03.dcm']) copyFileSync(sharedData(`dcmqi/ct-3slice/${n}`), join(dir, n));
  const r = cli('info', dir, '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /note:/);
  assert.equal((JSON.parse(r.stdout) as { notes?: string[] }).notes, undefined);
});

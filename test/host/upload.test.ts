/**
 * Issue 17's serve-mode upload, the server's side: a real DICOM series and a NIfTI sent over HTTP become cases
 * through the import job and leave no staging folder (DICOM slices picked without their folder make one case per
 * series, named from the series); each case records what the user uploaded as its origin, never the staging path;
 * every refusal (too large, too many, bad token, names that leave the folder, bodies longer or shorter than
 * listed, idle uploads) writes nothing that stays.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { JobInfo } from '../../engine/api/contract.js';
import { HTTP_UPLOAD_PATH, type UploadStarted } from '../../engine/api/upload-wire.js';
import { UPLOAD_STAGING } from '../../host/http/uploads.js';
import { sharedData } from '../helpers/data.js';
import { serveBinding, type Binding } from './fixtures.js';

interface Sent {
  readonly path: string;
  readonly bytes: Buffer;
}

interface Reply {
  readonly status: number;
  readonly body: { ok: boolean; value?: unknown; error?: { message: string } };
}

describe('serve-mode file upload', () => {
  let b: Binding;
  let base: string;
  let auth: Record<string, string>;
  const staging = () => join(b.workspace.dir, UPLOAD_STAGING);
  const leftovers = async () => (existsSync(staging()) ? await readdir(staging()) : []);

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = auth): Promise<Reply> {
    const res = await fetch(`${base}${HTTP_UPLOAD_PATH}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Reply['body'] };
  }

  async function put(id: string, index: number, bytes: Buffer, headers: Record<string, string> = auth): Promise<Reply> {
    const res = await fetch(`${base}${HTTP_UPLOAD_PATH}/${id}/${index}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    return { status: res.status, body: (await res.json()) as Reply['body'] };
  }

  /** A PUT without Content-Length (chunked), so only the streaming count can catch a body longer than listed. */
  function putChunked(id: string, index: number, bytes: Buffer): Promise<number | 'reset'> {
    const u = new URL(`${base}${HTTP_UPLOAD_PATH}/${id}/${index}`);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'PUT', headers: { ...auth, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      // the server may close the socket before the client finished sending: that refusal reads as a reset
      req.on('error', (e) => (/EPIPE|ECONNRESET/.test(String(e)) ? resolve('reset') : reject(e)));
      req.end(bytes);
    });
  }

  async function start(files: readonly { path: string; size: number }[]): Promise<Reply> {
    return call('POST', '', { files });
  }

  async function upload(files: readonly Sent[]): Promise<UploadStarted> {
    const r = await start(files.map((f) => ({ path: f.path, size: f.bytes.length })));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const started = r.body.value as UploadStarted;
    for (const [i, f] of files.entries()) assert.equal((await put(started.uploadId, i, f.bytes)).status, 200);
    return started;
  }

  async function untilFinished(jobId: string): Promise<JobInfo> {
    for (;;) {
      const job = await b.api.jobs.get({ jobId });
      if (job.finishedAt) return job;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  before(async () => {
    b = await serveBinding({ uploads: { limits: { maxFileBytes: 4 << 20, maxFiles: 30, maxTotalBytes: 8 << 20 }, idleMs: 800 } });
    base = b.http?.url ?? '';
    auth = { authorization: `Bearer ${b.http?.token}` };
  });
  after(() => b.close());

  it('imports an uploaded DICOM folder and NIfTI file as two cases, then removes the upload folder', async () => {
    const dicomDir = sharedData('totalsegmentator/example_ct_dicom');
    const dicom = await Promise.all(
      (await readdir(dicomDir)).map(async (name) => ({ path: `example_ct_dicom/${name}`, bytes: await readFile(join(dicomDir, name)) })),
    );
    const nifti = { path: 'example_ct_sm.nii.gz', bytes: await readFile(sharedData('totalsegmentator/example_ct_sm.nii.gz')) };
    const started = await upload([...dicom, nifti]);
    assert.ok(started.folder.startsWith(staging()), started.folder);
    const r = await call('POST', `/${started.uploadId}/import`, { layout: 'auto' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const job = await untilFinished((r.body.value as JobInfo).id);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const cases = await b.api.workspace.cases();
    assert.equal(cases.length, 2);
    assert.deepEqual(cases.map((c) => c.dims?.[2]).sort(), [20, 30]);
    for (let t = 0; t < 50 && (await leftovers()).length; t++) await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(await leftovers(), []);
  });

  it('records what the user uploaded as each case origin (file name, folder/ with its file count), not the staging path', async () => {
    const origins = new Map(b.workspace.cases().map((c) => [c.id, c.origin]));
    assert.equal(origins.get('example_ct_sm'), 'upload: example_ct_sm.nii.gz');
    assert.equal(origins.get('example_ct_dicom'), 'upload: example_ct_dicom/ (20 files)');
    const manifest = await readFile(join(b.workspace.dir, 'lobule.json'), 'utf8');
    assert.ok(!manifest.includes(UPLOAD_STAGING), 'the manifest names no staging folder');
    const names = (await b.api.workspace.cases()).map((c) => c.name).sort();
    assert.deepEqual(names, ['example_ct_dicom', 'example_ct_sm'], 'the dataset list shows the uploaded names');
  });

  /** Every file of `dirs` as picked one by one, without its folder (the file picker's or a multi-file drop's names). */
  async function looseFiles(...dirs: string[]): Promise<Sent[]> {
    const lists = await Promise.all(
      dirs.map(async (dir) => Promise.all((await readdir(dir)).map(async (path) => ({ path, bytes: await readFile(join(dir, path)) })))),
    );
    return lists.flat();
  }

  /** Uploads `files`, imports them and answers the new case ids (in import order). */
  async function uploadAndImport(files: readonly Sent[]): Promise<string[]> {
    const started = await upload(files);
    const r = await call('POST', `/${started.uploadId}/import`, {});
    const job = await untilFinished((r.body.value as JobInfo).id);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.equal(job.result?.kind, 'import');
    return job.result?.kind === 'import' ? [...job.result.imported] : [];
  }

  it('imports DICOM slices picked one by one (no folder) as one case named from the series, not "DICOM"', async () => {
    const dicomDir = sharedData('totalsegmentator/example_ct_dicom');
    const slices = await looseFiles(dicomDir);
    const before = (await b.api.workspace.cases()).length;
    // the series has no PatientID: SeriesDescription 'CT Body 3.0', no SeriesNumber
    assert.deepEqual(await uploadAndImport(slices), ['CT_Body_3.0']);
    const cases = await b.api.workspace.cases();
    assert.equal(cases.length, before + 1);
    const added = cases.find((c) => c.id === 'CT_Body_3.0');
    assert.equal(added?.dims?.[2], 20);
    assert.equal(added?.name, 'CT_Body_3.0', 'the dataset list shows the series name');
    const origin = b.workspace.cases().find((c) => c.id === 'CT_Body_3.0')?.origin ?? '';
    assert.match(origin, /^upload: 20 files \(CT\.1\.3\.12\.2\.1107\.5\.1\.4\.60064\.300000221208081134280000165\d\d, …\)$/);
  });

  it('makes one case per series of loose DICOM files, each named from its series, never overwriting a case', async () => {
    const twoSeries = await looseFiles(sharedData('totalsegmentator/example_ct_dicom'), sharedData('dcmqi/ct-3slice'));
    const before = new Map(b.workspace.cases().map((c) => [c.id, c.imageSha256]));
    // dcmqi's series: PatientID 99000, no SeriesDescription, SeriesNumber 2; CT_Body_3.0 is taken by the test above
    const ids = await uploadAndImport(twoSeries);
    assert.deepEqual([...ids].sort(), ['99000_2', 'CT_Body_3.0_2']);
    const cases = b.workspace.cases();
    assert.deepEqual(cases.find((c) => c.id === '99000_2')?.geometry.dims, [512, 512, 3]);
    assert.deepEqual(cases.find((c) => c.id === 'CT_Body_3.0_2')?.geometry.dims, [512, 512, 20]);
    for (const [id, sha] of before) assert.equal(cases.find((c) => c.id === id)?.imageSha256, sha, `${id} is unchanged`);
    const origin = (id: string) => cases.find((c) => c.id === id)?.origin ?? '';
    assert.match(origin('99000_2'), /^upload: 3 files \(0\d\.dcm, …\), series #2$/);
    assert.match(origin('CT_Body_3.0_2'), /^upload: 20 files \(CT\.[\d.]+, …\), series 'CT Body 3\.0'$/);
  });

  it('names files picked without a folder that hold no DICOM series as the user picked them, never by the staging path', async () => {
    const started = await upload([{ path: 'notes.txt', bytes: Buffer.from('not a scan') }]);
    const r = await call('POST', `/${started.uploadId}/import`, {});
    const job = await untilFinished((r.body.value as JobInfo).id);
    assert.equal(job.result?.kind, 'import');
    const report = job.result?.kind === 'import' ? job.result : undefined;
    assert.deepEqual(report?.imported, []);
    assert.deepEqual(
      report?.skipped.map((s) => s.path),
      ['the selection of files picked without a folder'],
    );
    assert.match(
      report?.skipped[0]?.reason ?? '',
      /^the selection of files picked without a folder holds no volume files and no DICOM series/,
    );
    assert.ok(
      report?.notices?.some((n) => n.startsWith('notes.txt was skipped: ')),
      JSON.stringify(report?.notices),
    );
    assert.ok(!JSON.stringify(report).includes(UPLOAD_STAGING), JSON.stringify(report));
  });

  it('"It is an image" on a held-back uploaded file imports it recording the uploaded name, not the staging path', async () => {
    const label = { path: 'liver.nii.gz', bytes: await readFile(sharedData('totalsegmentator/example_seg_fast/liver.nii.gz')) };
    const started = await upload([label]);
    const r = await call('POST', `/${started.uploadId}/import`, {});
    const first = await untilFinished((r.body.value as JobInfo).id);
    const held = first.result?.kind === 'import' ? (first.result.looksLikeLabel ?? []) : [];
    assert.deepEqual(
      held.map((h) => h.path),
      [join(started.folder, 'liver.nii.gz')],
      'held back by its path, to import again from there',
    );
    // what the import form sends for "It is an image" on a file of the last upload
    const again = await b.api.jobs.import({ paths: [held[0].path], acceptLabelLikeImages: true, upload: { folder: started.folder } });
    const job = await untilFinished(again.id);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const id = job.result?.kind === 'import' ? job.result.imported[0] : '';
    assert.equal(b.workspace.cases().find((c) => c.id === id)?.origin, 'upload: liver.nii.gz');
    // the held-back file's upload is kept for the user's answer (keepHeldBackMs); answered, it can go
    assert.equal((await call('DELETE', `/${started.uploadId}`)).status, 200);
    assert.deepEqual(await leftovers(), []);
  });

  it('refuses a file over the per-file limit, too many files and too many bytes before writing anything', async () => {
    const cases: [string, { path: string; size: number }[], RegExp][] = [
      ['per file', [{ path: 'big.nii.gz', size: (4 << 20) + 1 }], /larger than the 4194304 byte limit per file/],
      ['count', Array.from({ length: 31 }, (_, i) => ({ path: `s/${i}.dcm`, size: 1 })), /31 files are more than the 30/],
      ['total', Array.from({ length: 3 }, (_, i) => ({ path: `${i}.nii`, size: 3 << 20 })), /more than the 8388608 byte limit/],
    ];
    for (const [what, files, message] of cases) {
      const r = await start(files);
      assert.equal(r.status, 413, what);
      assert.match(r.body.error?.message ?? '', message, what);
    }
    assert.deepEqual(await leftovers(), []);
  });

  it('refuses file names that would leave the upload folder (.., absolute, backslash, drive, empty parts)', async () => {
    for (const path of ['../escape.nii', 'a/../../escape.nii', '/etc/passwd', 'a\\..\\..\\x', 'C:/x.nii', 'a//b', './a', 'a/.', '']) {
      const r = await start([{ path, size: 1 }]);
      assert.ok(r.status === 413 || r.status === 400, `${path}: ${r.status}`);
      assert.equal(r.body.ok, false);
    }
    assert.ok(!existsSync(join(b.workspace.dir, '..', 'escape.nii')));
    assert.deepEqual(await leftovers(), []);
  });

  it('answers 401 without the token, to starting an upload and to a file of an open one, and writes nothing', async () => {
    assert.equal((await call('POST', '', { files: [{ path: 'a.nii', size: 3 }] }, {})).status, 401);
    const r = await start([{ path: 'a.nii', size: 3 }]);
    const { uploadId, folder } = r.body.value as UploadStarted;
    assert.equal((await put(uploadId, 0, Buffer.from('abc'), { authorization: 'Bearer wrong' })).status, 401);
    assert.deepEqual(await readdir(folder), []);
    assert.equal((await call('DELETE', `/${uploadId}`)).status, 200);
    assert.deepEqual(await leftovers(), []);
  });

  it('discards the whole upload when a body is longer than listed, by header or while streaming', async () => {
    const one = (
      await start([
        { path: 'x/a.dcm', size: 3 },
        { path: 'x/b.dcm', size: 3 },
      ])
    ).body.value as UploadStarted;
    assert.equal((await put(one.uploadId, 0, Buffer.from('abc'))).status, 200);
    assert.equal((await put(one.uploadId, 1, Buffer.from('abcdef'))).status, 413);
    assert.equal((await put(one.uploadId, 1, Buffer.from('abc'))).status, 404, 'the upload is gone');
    const two = (await start([{ path: 'a.nii', size: 3 }])).body.value as UploadStarted;
    const streamed = await putChunked(two.uploadId, 0, Buffer.alloc(1 << 20));
    assert.ok(streamed === 413 || streamed === 'reset', String(streamed));
    assert.equal((await put(two.uploadId, 0, Buffer.from('abc'))).status, 404, 'the upload is gone');
    assert.deepEqual(await leftovers(), []);
  });

  it('refuses to import before every file arrived, and removes an upload left idle', async () => {
    const s = (await start([{ path: 'a.nii', size: 3 }])).body.value as UploadStarted;
    const early = await call('POST', `/${s.uploadId}/import`, {});
    assert.equal(early.status, 409);
    assert.match(early.body.error?.message ?? '', /1 of the 1 files have not arrived/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await put(s.uploadId, 0, Buffer.from('abc'))).status, 404);
    assert.deepEqual(await leftovers(), []);
  });
});

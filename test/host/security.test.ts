/**
 * Security of both hosts: the serve host's token, Host header, body limits and id checks on raw HTTP
 * requests (what a hostile page or local process could send), the IPC table's sender checks and the
 * lobule:// handler, and jobs that throw or are killed without taking the host down.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ipcChannel } from '../../engine/api/contract.js';
import { handleAppRequest } from '../../host/electron/ipc-handlers.js';
import { sharedData } from '../helpers/data.js';
import { finished, ipcBinding, serveBinding, tempDir, writeThresholdModel, type Binding } from './fixtures.js';

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawReply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // The server may answer 413 and close before the whole body is sent; the reply is what counts.
    req.on('error', (e) => reject(e));
    if (options.body) req.write(options.body);
    req.end();
  });
}

describe('serve host security', () => {
  let b: Binding;
  let base: string;
  let auth: Record<string, string>;
  let rendererDir: { dir: string; cleanup: () => Promise<void> };

  before(async () => {
    rendererDir = await tempDir('lobule-renderer-');
    await writeFile(join(rendererDir.dir, 'index.html'), '<!doctype html><title>Lobule</title>');
    b = await serveBinding({ rendererDir: rendererDir.dir, maxJsonBytes: 64 * 1024, maxUploadBytes: 2 * 1024 * 1024 });
    base = b.http?.url ?? '';
    auth = { authorization: `Bearer ${b.http?.token}` };
    await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_sm.nii.gz')] });
  });
  after(async () => {
    await b.close();
    await rendererDir.cleanup();
  });

  it('binds 127.0.0.1 and prints a page URL carrying a random token', () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(b.http?.pageUrl ?? '', /\/\?token=[0-9a-f]{64}$/);
  });

  it('answers 401 without the token or with a wrong one, on API, static and unknown paths alike', async () => {
    for (const path of ['/api/call/workspace.status', '/api/bin/volumes/x/image', '/api/events', '/', '/index.html', '/no/such/path']) {
      assert.equal((await raw(base + path, { method: path.startsWith('/api/call') ? 'POST' : 'GET' })).status, 401, path);
      assert.equal((await raw(base + path, { headers: { authorization: 'Bearer wrong' } })).status, 401, path);
      assert.equal((await raw(`${base}${path}?token=wrong`)).status, 401, path);
    }
    // The query form is for page loads only: API URLs never need (and never accept) the token.
    assert.equal((await raw(`${base}/api/call/workspace.status?token=${b.http?.token}`, { method: 'POST', body: '{}' })).status, 401);
    const r = await raw(base + '/api/call/workspace.status', { method: 'POST', headers: { cookie: 'lobule_token=wrong' } });
    assert.equal(r.status, 401);
    assert.equal(JSON.parse(r.body).error.code, 'E_INVALID_ARGUMENT');
  });

  it('answers 403 to a foreign Host header even with the right token (no DNS rebinding)', async () => {
    for (const host of ['evil.example:80', `attacker.test:${new URL(base).port}`, '127.0.0.1:1']) {
      const r = await raw(base + '/api/call/workspace.status', { method: 'POST', headers: { ...auth, host } });
      assert.equal(r.status, 403, host);
    }
    const ok = await raw(base + '/api/call/workspace.status', {
      method: 'POST',
      headers: { ...auth, host: `localhost:${new URL(base).port}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(ok.status, 200);
  });

  it('sets an HttpOnly cookie on the page load with ?token=, which then authorises API calls', async () => {
    const page = await raw(`${base}/?token=${b.http?.token}`);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    const cookie = String(page.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const r = await raw(base + '/api/call/workspace.status', {
      method: 'POST',
      headers: { cookie: cookie.split(';')[0], 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).value.caseCount, 1);
  });

  it('refuses API calls from pages of other local servers even with the cookie (Origin, Sec-Fetch-Site, non-JSON body)', async () => {
    const page = await raw(`${base}/?token=${b.http?.token}`);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const json = { cookie, 'content-type': 'application/json' };
    const foreignOrigin = await raw(base + '/api/call/workspace.status', {
      method: 'POST',
      headers: { ...json, origin: 'http://127.0.0.1:8080' },
      body: '{}',
    });
    assert.equal(foreignOrigin.status, 403);
    const crossSite = await raw(base + '/api/call/workspace.status', {
      method: 'POST',
      headers: { ...json, 'sec-fetch-site': 'same-site' },
      body: '{}',
    });
    assert.equal(crossSite.status, 403);
    const textPlain = await raw(base + '/api/call/workspace.status', {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(textPlain.status, 415);
    const ownOrigin = await raw(base + '/api/call/workspace.status', {
      method: 'POST',
      headers: { ...json, origin: base, 'sec-fetch-site': 'same-origin' },
      body: '{}',
    });
    assert.equal(ownOrigin.status, 200);
  });

  it('answers 400 to ids that are paths (../, absolute, encoded), in URLs and in JSON', async () => {
    for (const path of [
      '/api/bin/volumes/..%2F..%2Fetc%2Fpasswd/image',
      '/api/bin/volumes/%2Fetc%2Fpasswd/image',
      '/api/bin/volumes/x/label/..%2Fv1',
      '/api/bin/journal/..%5C..%5Cwindows',
    ]) {
      const r = await raw(base + path, { headers: auth });
      assert.equal(r.status, 400, path);
      assert.equal(JSON.parse(r.body).error.code, 'E_INVALID_ARGUMENT');
    }
    for (const caseId of ['../../etc/passwd', '/etc/passwd', 'C:\\Windows', 'a/b']) {
      const r = await raw(base + '/api/call/volumes.imageMeta', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ caseId }),
      });
      assert.equal(r.status, 400, caseId);
    }
    const up = await raw(base + '/api/call/labels.save', {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/octet-stream',
        'x-lobule-params': encodeURIComponent(JSON.stringify({ caseId: '../x', parent: null })),
      },
      body: Buffer.alloc(10),
    });
    assert.equal(up.status, 400);
  });

  it('answers 413 to oversized JSON and labelmap bodies, and keeps serving', async () => {
    const big = JSON.stringify({ paths: ['x'.repeat(100 * 1024)] });
    const r = await raw(base + '/api/call/workspace.importPaths', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: big,
    });
    assert.equal(r.status, 413);
    const up = await raw(base + '/api/call/labels.writeJournal', {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/octet-stream',
        'x-lobule-params': encodeURIComponent(JSON.stringify({ caseId: 'x', baseVersion: null })),
      },
      body: Buffer.alloc(3 * 1024 * 1024),
    });
    assert.equal(up.status, 413);
    assert.equal((await b.api.workspace.status()).caseCount, 1);
  });

  it('answers 404 with the token for unknown API routes and files, and 400 for unknown methods', async () => {
    assert.equal((await raw(base + '/api/nope', { headers: auth })).status, 404);
    assert.equal((await raw(base + '/nope.js', { headers: auth })).status, 404);
    assert.equal((await raw(base + '/../../etc/passwd', { headers: auth })).status, 404);
    const r = await raw(base + '/api/call/fs.readFile', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error.message, /unknown method/);
  });
});

describe('IPC host security', () => {
  let b: Awaited<ReturnType<typeof ipcBinding>>;
  before(async () => {
    b = await ipcBinding();
  });
  after(() => b.close());

  it('refuses messages from iframes, other origins and frameless senders', async () => {
    const channel = ipcChannel('workspace.status');
    const senders = [
      { url: 'lobule://app/index.html', parent: { url: 'lobule://app/index.html' } },
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///etc/passwd', parent: null },
      { url: 'lobule://other/index.html', parent: null },
      null,
    ];
    for (const frame of senders) {
      const reply = (await b.ipcMain.invoke(frame, channel, {})) as { ok: boolean; error?: { message: string } };
      assert.equal(reply.ok, false, JSON.stringify(frame));
      assert.match(reply.error?.message ?? '', /not the Lobule window/);
    }
    const ok = (await b.ipcMain.invoke({ url: 'lobule://app/index.html', parent: null }, channel, {})) as { ok: boolean };
    assert.equal(ok.ok, true);
  });

  it('registers only lobule: channels, none for binary reads or uploads', () => {
    const channels = [...b.ipcMain.handlers.keys()];
    assert.ok(channels.length > 20);
    assert.ok(channels.every((c) => c.startsWith('lobule:')));
    for (const binary of ['lobule:volumes.imageBytes', 'lobule:labels.save', 'lobule:labels.writeJournal'])
      assert.ok(!channels.includes(binary), binary);
  });

  it('takes labelmap uploads on lobule://app/upload/ only, with ids and sizes checked', async () => {
    const post = (method: string, params: object, body: Uint8Array, maxBytes?: number) =>
      handleAppRequest(
        b.service,
        null,
        new Request(`lobule://app/upload/${method}`, {
          method: 'POST',
          headers: { 'x-lobule-params': encodeURIComponent(JSON.stringify(params)) },
          body,
        }),
        maxBytes,
      );
    assert.equal((await post('labels.save', { caseId: '../x', parent: null }, new Uint8Array(4))).status, 400);
    assert.equal((await post('workspace.info', {}, new Uint8Array(4))).status, 404);
    assert.equal((await post('labels.writeJournal', { caseId: 'x', baseVersion: null }, new Uint8Array(64), 16)).status, 413);
    assert.equal((await post('labels.save', { caseId: 'no_such_case', parent: null }, new Uint8Array(4))).status, 404);
  });

  it('imports only paths chosen in a dialog or dropped on the window', async () => {
    await assert.rejects(b.api.workspace.importPaths({ paths: ['/usr/share/doc'] }), /was not chosen in a dialog or dropped/);
    await assert.rejects(b.api.models.import({ path: '/usr/lib' }), /was not chosen in a dialog or dropped/);
    // enough '..' to climb from the granted folder to the root wherever the checkout lives: it names /etc/passwd
    const granted = sharedData('dcmqi');
    const traversal = `${granted}${'/..'.repeat(granted.split(/[\\/]+/).length + 1)}/etc/passwd`;
    assert.equal(resolve(traversal), resolve('/etc/passwd'));
    await assert.rejects(b.api.workspace.importPaths({ paths: [traversal] }), /was not chosen/);
    // A grant from another frame than the app's main frame is ignored.
    assert.equal(b.ipcMain.sendSync({ url: 'https://evil.example/', parent: null }, 'lobule-grant:dropped-path', '/usr/share'), false);
    assert.equal(b.grants.allows('/usr/share/doc'), false);
    // Dropping the folder (the preload resolves the dropped File's path and grants it) lets the same call through
    // to the engine, which then judges the folder itself (here: not a model package).
    b.bridge.pathForFile({ path: '/usr/lib' });
    assert.equal(b.grants.allows('/usr/lib'), true);
    assert.equal(b.grants.allows('/usr/lib-evil'), false, 'a sibling with the same prefix is not inside the grant');
    await assert.rejects(
      b.api.models.import({ path: '/usr/lib' }),
      (e: Error & { code?: string }) => e.code === 'E_MODEL' && /not a model package/.test(e.message),
    );
  });

  it('grants the paths a native dialog returned', async () => {
    const d = await ipcBinding({ pickPaths: async () => ['/opt/picked-model'] });
    try {
      assert.deepEqual(await d.api.dialogs.pick({ purpose: 'import-model' }), { paths: ['/opt/picked-model'] });
      assert.equal(d.grants.allows('/opt/picked-model/model.onnx'), true);
      assert.equal(d.grants.allows('/opt/other'), false);
    } finally {
      await d.close();
    }
  });

  it('serves lobule://app only, with volume ids checked', async () => {
    assert.equal((await handleAppRequest(b.service, null, new Request('lobule://evil/bin/volumes/x/image'))).status, 403);
    assert.equal((await handleAppRequest(b.service, null, new Request('lobule://app/bin/volumes/..%2Fx/image'))).status, 400);
    assert.equal((await handleAppRequest(b.service, null, new Request('lobule://app/bin/volumes/nope/image'))).status, 404);
  });
});

describe('jobs that fail', () => {
  let b: Binding;
  let extra: { dir: string; cleanup: () => Promise<void> };
  let caseId: string;
  before(async () => {
    b = await serveBinding();
    extra = await tempDir('lobule-host-jobs-');
    caseId = (await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_sm.nii.gz')] })).imported[0];
  });
  after(async () => {
    await b.close();
    await extra.cleanup();
  });

  it('reports an error event when a job throws (damaged model), and later calls work', async () => {
    const src = await writeThresholdModel(join(extra.dir, 'bad'), { name: 'broken' });
    await b.api.models.import({ path: src });
    await writeFile(join(b.workspace.modelsDir(), 'broken', 'model.onnx'), 'not an onnx model');
    const job = await b.api.jobs.segment({ caseId, modelId: 'broken', device: 'cpu' });
    const end = await finished(b.api, job.id);
    assert.equal(end.state, 'failed');
    assert.equal(end.error?.code, 'E_CORRUPT');
    assert.match(end.error?.message ?? '', /model\.onnx/);
    assert.equal((await b.api.workspace.cases())[0].labelVersionCount, 0);
  });

  it('reports an error event when a job process is killed, and the next job still runs', async () => {
    const src = await writeThresholdModel(join(extra.dir, 'slow'), { name: 'slow', patch: 4 });
    await b.api.models.import({ path: src });
    const job = await b.api.jobs.segment({ caseId, modelId: 'slow', device: 'cpu' });
    const started = new Promise<void>((resolve) => {
      const sub = b.api.on('jobs.didProgress', (e) => {
        if (e.jobId === job.id && e.progress.stage === 'infer') {
          sub.dispose();
          resolve();
        }
      });
    });
    await started;
    const pid = b.service.jobs.pidOf(job.id);
    assert.ok(pid, 'the job runs in its own process');
    process.kill(pid, 'SIGKILL');
    const end = await finished(b.api, job.id);
    assert.equal(end.state, 'failed');
    assert.equal(end.error?.code, 'E_JOB_FAILED');
    assert.match(end.error?.message ?? '', /killed/);
    assert.equal((await b.api.workspace.status()).caseCount, 1);
    assert.equal((await b.api.workspace.cases())[0].labelVersionCount, 0);
    await b.api.models.import({ path: await writeThresholdModel(join(extra.dir, 'fast')) });
    const next = await b.api.jobs.segment({ caseId, modelId: 'threshold', device: 'cpu' });
    const nextEnd = await finished(b.api, next.id);
    assert.equal(nextEnd.state, 'succeeded', JSON.stringify(nextEnd.error));
  });
});

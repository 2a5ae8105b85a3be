/**
 * Issue 15's server rows: refused clients lose their socket, trickling clients are dropped by the header timeout
 * while real requests keep working, repeated opens do not recompute voxel statistics, and parallel uploads are
 * handled a slot at a time so memory stays near one labelmap.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { sharedData } from '../helpers/data.js';
import { serveBinding, type Binding } from './fixtures.js';
import { volumeMeta } from '../../host/volume-meta.js';
import { makeVolume } from '../../engine/common/volume.js';

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function post(url: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve host resource limits', () => {
  let b: Binding;
  let port: number;
  let auth: Record<string, string>;
  let caseId: string;

  before(async () => {
    b = await serveBinding({ headersTimeoutMs: 1000, idleTimeoutMs: 1500 });
    port = Number(new URL(b.http?.url ?? '').port);
    auth = { authorization: `Bearer ${b.http?.token}` };
    await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_sm.nii.gz')] });
    caseId = (await b.api.workspace.cases())[0].id;
  });
  after(() => b.close());

  it('closes the connection of a request without the token (401) or with a foreign Host (403)', async () => {
    for (const head of [
      `GET /api/call/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: evil.example:${port}\r\n\r\n`,
    ]) {
      const s = connect(port, '127.0.0.1').on('error', () => undefined);
      let reply = '';
      s.on('data', (d) => (reply += d.toString()));
      s.write(head); // keep-alive by default in HTTP/1.1: only the server can be closing it
      assert.ok(await closedWithin(s, 3000), `socket kept open after: ${reply.split('\r\n')[0]}`);
      assert.match(reply, /^HTTP\/1\.1 40[13]/);
    }
  });

  it('drops 200 sockets trickling headers without the token, and real requests keep working meanwhile', async () => {
    // resume(): a paused socket would never read the server's 408 and FIN, so it would never see the close
    const sockets = Array.from({ length: 200 }, () =>
      connect(port, '127.0.0.1')
        .on('error', () => undefined)
        .resume(),
    );
    await Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r))));
    for (const s of sockets) s.write('GET / HTTP/1.1\r\nHo');
    const started = Date.now();
    const info = await b.api.workspace.info();
    assert.equal(info.caseCount, 1);
    assert.ok(Date.now() - started < 2000, `a real call took ${Date.now() - started} ms`);
    const closed = await Promise.all(sockets.map((s) => closedWithin(s, 5000)));
    assert.equal(closed.filter((c) => !c).length, 0, 'trickling sockets still open after the header timeout');
  });

  it('answers 200 repeated opens of a 512×512×300 volume without rescanning its voxels', () => {
    const vol = makeVolume(new Int16Array(512 * 512 * 300).fill(-1000), [512, 512, 300], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    vol.data[12345] = 2000;
    const first = Date.now();
    assert.deepEqual([volumeMeta(vol, 'c', 'image', null).min, volumeMeta(vol, 'c', 'image', null).max], [-1000, 2000]);
    const firstMs = Date.now() - first;
    const started = Date.now();
    for (let n = 0; n < 200; n++) volumeMeta(vol, 'c', 'image', null);
    const ms = Date.now() - started;
    assert.ok(ms < 200, `200 opens took ${ms} ms (the first took ${firstMs} ms)`);
  });

  it('answers 200 imageMeta calls over HTTP quickly', async () => {
    const started = Date.now();
    for (let n = 0; n < 200; n++) await b.api.volumes.imageMeta({ caseId });
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });

  it('handles 20 parallel 20 MB uploads one at a time: memory held stays ≤ 2 labelmaps, all succeed', async () => {
    const labelmap = Buffer.alloc(20 << 20, 1);
    const headers = {
      ...auth,
      'content-type': 'application/octet-stream',
      'x-lobule-params': encodeURIComponent(JSON.stringify({ caseId, baseVersion: null })),
    };
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const poll = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    try {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => post(`${b.http?.url}/api/call/labels.writeJournal`, headers, labelmap)),
      );
      assert.deepEqual([...new Set(statuses)], [200]);
    } finally {
      clearInterval(poll);
    }
    const held = b.http?.peakUploadBytes() ?? Infinity;
    assert.ok(held <= 2 * labelmap.length, `the server held ${held} upload bytes at once`);
    // 20 unbounded uploads would hold 400 MB (plus copies); the client here shares one buffer
    assert.ok(rssPeak - rssBefore < 300 << 20, `memory grew by ${Math.round((rssPeak - rssBefore) / 2 ** 20)} MiB`);
  });
});

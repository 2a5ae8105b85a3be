/**
 * Opening the case the app comes back to, as fast as the host can make it: the host names that case
 * (WorkspaceInfo.reopenCase), reads it while the page boots, and sends labelmaps run-length coded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { decodeLabelRuns } from '../../engine/common/label-runs.js';
import { makeVolume } from '../../engine/common/volume.js';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { createHttpClient } from '../../engine/api/http-client.js';
import type { LobuleApi } from '../../engine/api/contract.js';
import { startHttpHost, type HttpHost } from '../../host/http/http-server.js';
import { LobuleService } from '../../host/service.js';
import { tempDir } from './fixtures.js';

const DIMS = [32, 24, 10] as const;
const AFFINE = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];

/** A workspace with two cases, each with one saved label version; the second was the last one open. */
async function twoCaseWorkspace(dir: string): Promise<{ first: string; second: string; labels: Uint8Array }> {
  const files: string[] = [];
  for (const name of ['a_case', 'b_case']) {
    const ct = new Int16Array(DIMS[0] * DIMS[1] * DIMS[2]).map((_, i) => (i % 97) - 40);
    const file = join(dir, `${name}.nii`);
    await writeNifti(file, makeVolume(ct, DIMS, AFFINE));
    files.push(file);
  }
  const ws = await Workspace.init(join(dir, 'ws'));
  const labels = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
  labels.fill(1, 2000, 4000);
  try {
    const report = await ws.importPaths(files);
    const [first, second] = ws.cases().map((c) => c.id);
    assert.equal(report.imported.length, 2);
    for (const id of [first, second]) await ws.saveLabel(id, labels, { source: 'manual' });
    await ws.setLastOpenCase(second);
    return { first, second, labels };
  } finally {
    await ws.close();
  }
}

/** Counts the workspace's volume reads by case. */
function countReads(ws: Workspace): Map<string, number> {
  const reads = new Map<string, number>();
  const count = (what: string): void => void reads.set(what, (reads.get(what) ?? 0) + 1);
  const readImage = ws.readImage.bind(ws);
  const readLabel = ws.readLabel.bind(ws);
  ws.readImage = (caseId) => (count(`image:${caseId}`), readImage(caseId));
  ws.readLabel = (caseId, version) => (count(`label:${caseId}`), readLabel(caseId, version));
  return reads;
}

interface Served {
  readonly service: LobuleService;
  readonly http: HttpHost;
  readonly api: LobuleApi;
}

/** Serves the workspace in `dir`/ws over HTTP while `run` runs; `prepare` sees the workspace before the host does. */
async function serving(dir: string, prepare: (ws: Workspace) => void, run: (s: Served) => Promise<void>): Promise<void> {
  const ws = await Workspace.open(join(dir, 'ws'));
  prepare(ws);
  const service = new LobuleService(ws, { host: 'serve' });
  const http = await startHttpHost(service, { rendererDir: null });
  const api = createHttpClient({ baseUrl: http.url, token: http.token, reconnectMs: 100 });
  try {
    await run({ service, http, api });
  } finally {
    api.close();
    await http.close();
    await service.close();
    await service.workspace.close();
  }
}

async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

test('the host reads the case it will reopen at start, and the viewer’s reads of it share that read', async () => {
  const tmp = await tempDir('lobule-reopen-');
  try {
    const { first, second, labels } = await twoCaseWorkspace(tmp.dir);
    let reads = new Map<string, number>();
    await serving(
      tmp.dir,
      (ws) => (reads = countReads(ws)),
      async ({ api }) => {
        await settle();
        assert.deepEqual(Object.fromEntries(reads), { [`image:${second}`]: 1, [`label:${second}`]: 1 }, 'only the case to reopen is read');
        const info = await api.workspace.info();
        assert.equal(info.lastOpenCase, second);
        assert.equal(info.reopenCase, second);
        const meta = await api.volumes.labelMeta({ caseId: second });
        const [image, label] = await Promise.all([
          api.volumes.imageBytes({ caseId: second }),
          api.volumes.labelBytes({ caseId: second, version: meta.version ?? undefined }),
        ]);
        assert.equal(image.byteLength, DIMS[0] * DIMS[1] * DIMS[2] * 2);
        assert.deepEqual(new Uint8Array(label), labels);
        assert.deepEqual(Object.fromEntries(reads), { [`image:${second}`]: 1, [`label:${second}`]: 1 }, 'no second read');

        // Trashing the last open case: the app reopens the first case instead.
        await api.workspace.deleteCase({ caseId: second });
        const after = await api.workspace.info();
        assert.equal(after.lastOpenCase, null);
        assert.equal(after.reopenCase, first);
      },
    );
  } finally {
    await tmp.cleanup();
  }
});

test('a workspace with no cases reopens none and reads nothing', async () => {
  const tmp = await tempDir('lobule-reopen-empty-');
  try {
    const ws = await Workspace.init(join(tmp.dir, 'ws'));
    const reads = countReads(ws);
    const service = new LobuleService(ws, { host: 'serve' });
    try {
      await settle(50);
      assert.equal(reads.size, 0);
      assert.equal((await service.handlers['workspace.info']({})).reopenCase, null);
    } finally {
      await service.close();
      await ws.close();
    }
  } finally {
    await tmp.cleanup();
  }
});

/** GET of a binary read: the body exactly as the host sent it. */
function rawGet(url: string, token: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        assert.equal(res.statusCode, 200, Buffer.concat(chunks).toString().slice(0, 200));
        resolve(Buffer.concat(chunks));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('labelmaps travel run-length coded and arrive unchanged; CT images travel as they are', async () => {
  const tmp = await tempDir('lobule-runs-');
  try {
    const { second, labels } = await twoCaseWorkspace(tmp.dir);
    await serving(
      tmp.dir,
      () => undefined,
      async ({ http, api }) => {
        const bin = (path: string): string => new URL(`api/bin/${path}`, http.url.endsWith('/') ? http.url : `${http.url}/`).toString();
        const wire = await rawGet(bin(`volumes/${second}/label/latest`), http.token);
        assert.equal(wire.subarray(0, 4).toString('latin1'), 'LRL1');
        assert.ok(wire.byteLength < labels.byteLength / 100, `${wire.byteLength} bytes on the wire for ${labels.byteLength} voxels`);
        assert.deepEqual(decodeLabelRuns(wire), labels);
        assert.deepEqual(new Uint8Array(await api.volumes.labelBytes({ caseId: second })), labels, 'the client decodes them');

        const image = await rawGet(bin(`volumes/${second}/image`), http.token);
        assert.equal(image.byteLength, DIMS[0] * DIMS[1] * DIMS[2] * 2);
      },
    );
  } finally {
    await tmp.cleanup();
  }
});

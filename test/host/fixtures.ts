/**
 * Set-up for the host tests: a fresh workspace, a hand-built ONNX model package (1×1×1 conv + sigmoid that
 * thresholds HU), and the two bindings of the contract: `lobule serve` over real HTTP on 127.0.0.1, and the
 * Electron IPC handler table driven by stand-ins for ipcMain / webContents (the Electron binary cannot run
 * here; everything behind those two objects is the real code).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LobuleApi, EventMap, EventName, JobInfo } from '../../engine/api/contract.js';
import { createHttpClient } from '../../engine/api/http-client.js';
import { createIpcClient, type LobuleBridge } from '../../engine/api/ipc-client.js';
import { startHttpHost, type HttpHost, type HttpHostOptions } from '../../host/http/http-server.js';
import {
  createIpcHandlerTable,
  forwardEvents,
  handleAppRequest,
  registerIpcHandlers,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type SyncEventLike,
  type WebContentsLike,
} from '../../host/electron/ipc-handlers.js';
import { PathGrants } from '../../host/path-grants.js';
import { SHARED_DATA } from '../helpers/data.js';
import { THRESHOLD_HU } from '../../tools/samples/threshold-model.js';
import { LobuleService, type ServiceOptions } from '../../host/service.js';
import { Workspace } from '../../engine/workspace/workspace.js';

const requireCjs = createRequire(import.meta.url);

export { THRESHOLD_HU, writeThresholdModel } from '../../tools/samples/threshold-model.js';

export function expectedThreshold(data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] > THRESHOLD_HU ? 1 : 0;
  return out;
}

/**
 * Every temp folder of these tests lives under one folder of this process, which is all the IPC binding grants
 * besides the shared data: granting all of tmpdir() let a traversal path that resolves into /tmp pass when the
 * checkout itself lives under /tmp.
 */
export const TEST_ROOT = mkdtempSync(join(tmpdir(), 'lobule-host-tests-'));
process.on('exit', () => rmSync(TEST_ROOT, { recursive: true, force: true }));

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(TEST_ROOT, prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Binding {
  readonly name: 'serve' | 'ipc';
  readonly api: LobuleApi;
  readonly service: LobuleService;
  readonly workspace: Workspace;
  readonly http?: HttpHost;
  close(): Promise<void>;
}

/** A fresh workspace in a temp folder, served over real HTTP. */
export async function serveBinding(options: Partial<HttpHostOptions> = {}): Promise<Binding> {
  const tmp = await tempDir('lobule-host-serve-');
  const workspace = await Workspace.init(join(tmp.dir, 'ws'));
  const service = new LobuleService(workspace, { host: 'serve', cancelGraceMs: 3000 });
  const http = await startHttpHost(service, { rendererDir: null, ...options });
  const api = createHttpClient({ baseUrl: http.url, token: http.token, reconnectMs: 100 });
  return {
    name: 'serve',
    api,
    service,
    http,
    get workspace() {
      return service.workspace;
    },
    async close() {
      api.close();
      await http.close();
      await service.close();
      await service.workspace.close();
      await tmp.cleanup();
    },
  };
}

/** Stand-in for Electron's ipcMain: handlers by channel; messages are structured clones, as over IPC. */
export class StandInIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  readonly listeners = new Map<string, Set<(event: SyncEventLike, ...args: unknown[]) => void>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: (event: SyncEventLike, ...args: unknown[]) => void): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)?.add(listener);
    return this;
  }
  removeListener(channel: string, listener: (event: SyncEventLike, ...args: unknown[]) => void): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  /** What ipcRenderer.invoke does: the handler's value, or Electron's error for a channel nobody handles. */
  async invoke(frame: FrameLike | null, channel: string, params: unknown): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
    return structuredClone(await h({ senderFrame: frame }, structuredClone(params)));
  }
  /** What ipcRenderer.sendSync does: the listeners run, the last returnValue comes back. */
  sendSync(frame: FrameLike | null, channel: string, arg: unknown): unknown {
    const event: SyncEventLike = { senderFrame: frame, returnValue: undefined };
    for (const l of this.listeners.get(channel) ?? []) l(event, structuredClone(arg));
    return event.returnValue;
  }
}

/** Stand-in for a window's webContents: what `send` pushes reaches the page's listeners, cloned. */
export class StandInWebContents implements WebContentsLike {
  readonly listeners = new Set<(channel: string, args: unknown[]) => void>();
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    const cloned = structuredClone(args);
    for (const l of this.listeners) l(channel, cloned);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export const APP_FRAME: FrameLike = { url: 'lobule://app/index.html', parent: null };

/** What contextBridge / ipcRenderer / webUtils look like to the preload; wired to the stand-ins above. */
export interface PreloadStandIn {
  readonly exposed: { key: string; value: unknown }[];
  readonly electron: object;
}

export function preloadElectron(ipcMain: StandInIpcMain, contents: StandInWebContents, frame: FrameLike = APP_FRAME): PreloadStandIn {
  const exposed: { key: string; value: unknown }[] = [];
  const wrapped = new Map<(e: unknown, ...a: unknown[]) => void, (channel: string, args: unknown[]) => void>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.push({ key, value }) },
    ipcRenderer: {
      invoke: (channel: string, params: unknown) => ipcMain.invoke(frame, channel, params),
      sendSync: (channel: string, arg: unknown) => ipcMain.sendSync(frame, channel, arg),
      on(channel: string, l: (e: unknown, ...a: unknown[]) => void) {
        const w = (c: string, args: unknown[]) => c === channel && l({}, ...args);
        wrapped.set(l, w);
        contents.listeners.add(w);
      },
      removeListener(_channel: string, l: (e: unknown, ...a: unknown[]) => void) {
        const w = wrapped.get(l);
        if (w) contents.listeners.delete(w);
      },
    },
    // A dropped File's path (real Files from a drop carry one; in tests, a plain {path}).
    webUtils: { getPathForFile: (f: { path?: string }) => f.path ?? '' },
  };
  return { exposed, electron };
}

/** Runs electron/preload/preload.ts with `require('electron')` answered by the stand-in. */
export function runPreload(standIn: PreloadStandIn): LobuleBridge {
  const electronId = requireCjs.resolve('electron');
  const preloadId = requireCjs.resolve('../../electron/preload/preload.ts');
  requireCjs.cache[electronId] = { id: electronId, filename: electronId, loaded: true, exports: standIn.electron } as NodeJS.Module;
  delete requireCjs.cache[preloadId];
  try {
    requireCjs(preloadId);
  } finally {
    delete requireCjs.cache[electronId];
  }
  const bridge = standIn.exposed.find((e) => e.key === 'lobule')?.value;
  if (!bridge) throw new Error('the preload exposed no window.lobule');
  return bridge as LobuleBridge;
}

/**
 * A fresh workspace behind the IPC handler table, reached through the real preload's bridge. The shared data
 * folder and the tests' own temp folder (TEST_ROOT) are "dropped" on the window first, as a user would, so imports from them pass
 * the path grants.
 */
export async function ipcBinding(
  options: Pick<ServiceOptions, 'pickPaths'> = {},
): Promise<Binding & { ipcMain: StandInIpcMain; grants: PathGrants; bridge: LobuleBridge }> {
  const tmp = await tempDir('lobule-host-ipc-');
  const workspace = await Workspace.init(join(tmp.dir, 'ws'));
  const service = new LobuleService(workspace, { host: 'electron', cancelGraceMs: 3000, ...options });
  const ipcMain = new StandInIpcMain();
  const grants = new PathGrants();
  const unregister = registerIpcHandlers(ipcMain, createIpcHandlerTable(service, grants), grants);
  const contents = new StandInWebContents();
  const stopEvents = forwardEvents(service, contents);
  const bridge = runPreload(preloadElectron(ipcMain, contents));
  for (const dropped of [SHARED_DATA, TEST_ROOT]) bridge.pathForFile({ path: dropped });
  // Binary reads and labelmap uploads take the lobule:// scheme, answered by the real scheme handler.
  const api = createIpcClient(bridge, { fetch: (url, init) => handleAppRequest(service, null, new Request(url, init)) });
  return {
    name: 'ipc',
    api,
    service,
    ipcMain,
    grants,
    bridge,
    get workspace() {
      return service.workspace;
    },
    async close() {
      api.close();
      stopEvents();
      unregister();
      await service.close();
      await service.workspace.close();
      await tmp.cleanup();
    },
  };
}

/** Collects events of one kind until closed. */
export function collect<E extends EventName>(api: LobuleApi, event: E): { events: EventMap[E][]; stop: () => void } {
  const events: EventMap[E][] = [];
  const sub = api.on(event, (e) => events.push(e));
  return { events, stop: () => sub.dispose() };
}

/** Resolves with the job's final JobInfo, from the event stream (polling jobs.get as a fallback). */
export async function finished(api: LobuleApi, jobId: string, timeoutMs = 60000): Promise<JobInfo> {
  const final = new Set(['succeeded', 'failed', 'cancelled']);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      sub.dispose();
      reject(new Error(`job ${jobId} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (info: JobInfo) => {
      clearTimeout(timer);
      clearInterval(poll);
      sub.dispose();
      resolve(info);
    };
    const sub = api.on('jobs.didChangeState', (info) => {
      if (info.id === jobId && final.has(info.state)) done(info);
    });
    const poll = setInterval(() => {
      void api.jobs.get({ jobId }).then(
        (info) => final.has(info.state) && done(info),
        () => undefined,
      );
    }, 500);
  });
}

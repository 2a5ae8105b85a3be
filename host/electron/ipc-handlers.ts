/**
 * The Electron binding of the contract, without importing Electron: electron/main.ts passes the real
 * `ipcMain`, `webContents` and `protocol` in; tests pass stand-ins with the same shape. Keeping the table here
 * lets one contract test suite drive both bindings on a machine where the Electron binary cannot run.
 *
 * Every handler first checks who sent the message (VS Code's validatedIpcMain): the sending frame must be a
 * main frame (not an iframe) showing the app's own origin `lobule://app`; anything else is refused.
 */
import {
  BINARY_PARAMS_HEADER,
  BINARY_READS,
  BINARY_UPLOADS,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  parseBinaryReadPath,
  type EventName,
  type MethodName,
  type SerializedError,
} from '../../engine/api/contract.js';
import { METHOD_NAMES } from '../../engine/api/schemas.js';
import { APP_BINARY_PREFIX, APP_HOST, APP_SCHEME, APP_UPLOAD_PREFIX, binaryReadToWire } from '../../engine/api/wire.js';
import { dispatch, httpStatusOf, type Reply } from '../dispatch.js';
import type { LobuleService } from '../service.js';
import { RENDERER_CSP, readStaticFile } from '../static-files.js';
import { GRANT_DROPPED_CHANNEL, pathsOfCall, type PathGrants } from '../path-grants.js';

/** The parts of Electron's WebFrameMain the check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** The parts of Electron's IpcMainInvokeEvent the handlers read. */
export interface InvokeEventLike {
  readonly senderFrame: FrameLike | null;
}

/** The parts of Electron's IpcMainEvent (a sendSync message) the grant listener uses. */
export interface SyncEventLike {
  readonly senderFrame: FrameLike | null;
  returnValue: unknown;
}

/** The parts of Electron's ipcMain the table needs. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: SyncEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: SyncEventLike, ...args: unknown[]) => void): unknown;
}

/** The parts of Electron's WebContents that events are pushed through. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

const uploadMethods: ReadonlySet<string> = new Set(BINARY_UPLOADS);

/** True for a main frame showing lobule://app/… (an iframe, another scheme or another host is refused). */
export function isTrustedFrame(frame: FrameLike | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const u = new URL(frame.url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

const untrusted = (channel: string): SerializedError => ({
  name: 'LobuleError',
  code: 'E_INVALID_ARGUMENT',
  message: `refused ${channel}: the sender is not the Lobule window`,
});

export type IpcHandler = (event: InvokeEventLike, params: unknown) => Promise<Reply>;

const ungranted = (method: string, path: string): SerializedError => ({
  name: 'LobuleError',
  code: 'E_INVALID_ARGUMENT',
  message: `${method}: ${path.slice(0, 300)} was not chosen in a dialog or dropped on the window`,
  hint: 'Choose it with the Import/Export button or drag it onto the window',
});

/**
 * Channel → handler, one per non-binary method (binary reads and labelmap uploads go through the lobule://
 * scheme). Every handler checks the sender; methods that name host paths also check them against `grants`.
 */
export function createIpcHandlerTable(service: LobuleService, grants: PathGrants): ReadonlyMap<string, IpcHandler> {
  const binary: ReadonlySet<string> = new Set(BINARY_READS);
  const table = new Map<string, IpcHandler>();
  for (const method of METHOD_NAMES) {
    if (binary.has(method) || uploadMethods.has(method)) continue;
    const channel = ipcChannel(method);
    table.set(channel, async (event, params) => {
      if (!isTrustedFrame(event?.senderFrame)) return { ok: false, error: untrusted(channel) };
      const denied = (pathsOfCall(method, params) ?? []).find((p) => !grants.allows(p));
      if (denied !== undefined) return { ok: false, error: ungranted(method, denied) };
      const reply = await dispatch(service.handlers, method as MethodName, params);
      if (method === 'dialogs.pick' && reply.ok) for (const p of (reply.value as { paths: string[] }).paths) grants.grant(p);
      return reply;
    });
  }
  return table;
}

/**
 * Registers the table on ipcMain, plus the preload's grant of dropped paths; returns a function that removes
 * them again.
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, table: ReadonlyMap<string, IpcHandler>, grants: PathGrants): () => void {
  for (const [channel, handler] of table) ipcMain.handle(channel, (event, ...args) => handler(event, args[0]));
  const onDropped = (event: SyncEventLike, path: unknown) => {
    const trusted = isTrustedFrame(event.senderFrame) && typeof path === 'string';
    if (trusted) grants.grant(path);
    event.returnValue = trusted;
  };
  ipcMain.on(GRANT_DROPPED_CHANNEL, onDropped);
  return () => {
    for (const channel of table.keys()) ipcMain.removeHandler(channel);
    ipcMain.removeListener(GRANT_DROPPED_CHANNEL, onDropped);
  };
}

/** Pushes every host event to one window; stops when the window is gone or the returned function is called. */
export function forwardEvents(service: LobuleService, contents: WebContentsLike): () => void {
  const stop = service.onEvent((event: EventName, payload: unknown) => {
    if (contents.isDestroyed()) return stop();
    contents.send(IPC_EVENT_CHANNEL, event, payload);
  });
  return stop;
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

/** Labelmap uploads: POST lobule://app/upload/<method>, raw body, other params in the params header. */
async function handleUpload(service: LobuleService, request: Request, method: string, maxBytes: number): Promise<Response> {
  const fail = (status: number, message: string) =>
    jsonResponse(status, { ok: false, error: { name: 'LobuleError', code: 'E_INVALID_ARGUMENT', message } });
  if (request.method !== 'POST' || !uploadMethods.has(method)) return fail(404, `no upload endpoint ${method.slice(0, 80)}`);
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return fail(413, `labelmap is larger than the ${maxBytes} byte limit`);
  let rest: unknown;
  try {
    rest = JSON.parse(decodeURIComponent(request.headers.get(BINARY_PARAMS_HEADER) ?? '%7B%7D'));
  } catch {
    return fail(400, `${method}: the ${BINARY_PARAMS_HEADER} header is not JSON`);
  }
  const data = new Uint8Array(await request.arrayBuffer());
  if (data.byteLength > maxBytes) return fail(413, `labelmap is larger than the ${maxBytes} byte limit`);
  const params = typeof rest === 'object' && rest !== null ? { ...rest, data } : rest;
  const reply = await dispatch(service.handlers, method, params);
  return jsonResponse(reply.ok ? 200 : httpStatusOf(reply.error), reply);
}

/**
 * The `lobule://app/...` handler (Electron's protocol.handle): the renderer's files, workspace volumes by id
 * under /bin/, and labelmap uploads under /upload/. Nothing else: no file paths, no other hosts.
 */
export async function handleAppRequest(
  service: LobuleService,
  rendererDir: string | null,
  request: Request,
  maxUploadBytes = 1 << 30,
): Promise<Response> {
  const url = new URL(request.url);
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return jsonResponse(403, { ok: false, error: untrusted(url.host) });
  if (url.pathname.startsWith(APP_UPLOAD_PREFIX))
    return handleUpload(service, request, url.pathname.slice(APP_UPLOAD_PREFIX.length), maxUploadBytes);
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
  if (url.pathname.startsWith(APP_BINARY_PREFIX)) {
    const parsed = parseBinaryReadPath(url.pathname.slice(APP_BINARY_PREFIX.length));
    if (!parsed)
      return jsonResponse(404, { ok: false, error: { name: 'LobuleError', code: 'E_NOT_FOUND', message: 'no such volume endpoint' } });
    const reply = await dispatch(service.handlers, parsed.method, parsed.params);
    if (!reply.ok) return jsonResponse(httpStatusOf(reply.error), reply);
    const bytes = binaryReadToWire(parsed.method, reply.value as Uint8Array);
    return new Response(bytes, {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength), 'cache-control': 'no-store' },
    });
  }
  const file = rendererDir ? await readStaticFile(rendererDir, url.pathname) : null;
  if (!file) return new Response('not found', { status: 404 });
  const headers: Record<string, string> = { 'content-type': file.contentType, 'x-content-type-options': 'nosniff' };
  if (file.contentType.startsWith('text/html')) headers['content-security-policy'] = RENDERER_CSP;
  return new Response(file.body, { status: 200, headers });
}

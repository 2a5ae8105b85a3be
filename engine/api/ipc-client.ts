/**
 * The Electron binding's client. electron/preload.ts exposes exactly one frozen object, `window.lobule`, of
 * type `LobuleBridge`; this module turns it into the same `LobuleApi` the HTTP client gives. Binary reads and
 * labelmap uploads go through the privileged `lobule://` scheme (host/electron/ipc-handlers.ts handleAppRequest:
 * workspace volumes by id only), everything else over `lobule:` IPC channels.
 * Browser-safe.
 */
import {
  BINARY_PARAMS_HEADER,
  BINARY_UPLOADS,
  ipcChannel,
  binaryReadPath,
  type BinaryReadMethod,
  type EventName,
  type IpcReply,
  type LobuleApi,
  type MethodName,
} from './contract.js';
import { METHOD_NAMES } from './schemas.js';
import { createApi, toApiError, type ApiTransport } from './client.js';
import { APP_BINARY_PREFIX, APP_ORIGIN, APP_UPLOAD_PREFIX } from './wire.js';

const uploads: ReadonlySet<string> = new Set(BINARY_UPLOADS);

/** What the preload exposes on `window.lobule` (and nothing else). */
export interface LobuleBridge {
  /** Invokes `lobule:<method>`; the main process answers an IpcReply, never a thrown error. */
  invoke(channel: string, params: unknown): Promise<IpcReply<unknown>>;
  /** Receives host events; returns a function that stops them. */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /** The host path of a dropped File (Electron's webUtils), for `workspace.importPaths`. */
  pathForFile(file: unknown): string;
}

export function bridgeFromWindow(): LobuleBridge {
  const bridge = (globalThis as { lobule?: LobuleBridge }).lobule;
  if (!bridge) throw new TypeError('window.lobule is missing: this page is not running inside the Lobule Electron shell');
  return bridge;
}

export interface IpcClientOptions {
  /** The app origin serving binary reads and uploads (default lobule://app). */
  readonly origin?: string;
  /** The fetch used for binary transfers (default the page's; tests pass the host's scheme handler). */
  readonly fetch?: (url: string, init?: RequestInit) => Promise<Response>;
}

async function replyOf(res: Response): Promise<IpcReply<unknown>> {
  return (await res.json()) as IpcReply<unknown>;
}

export function createIpcTransport(bridge: LobuleBridge, options: IpcClientOptions = {}): ApiTransport {
  const origin = options.origin ?? APP_ORIGIN;
  const get = options.fetch ?? ((url: string, init?: RequestInit) => fetch(url, init));
  const upload = async (method: MethodName, params: unknown): Promise<IpcReply<unknown>> => {
    const { data, ...rest } = params as { data?: unknown };
    if (!(data instanceof Uint8Array))
      return {
        ok: false,
        error: { name: 'LobuleError', code: 'E_INVALID_ARGUMENT', message: `${method}: data must be a Uint8Array of labelmap bytes` },
      };
    const headers = { 'content-type': 'application/octet-stream', [BINARY_PARAMS_HEADER]: encodeURIComponent(JSON.stringify(rest)) };
    return replyOf(await get(`${origin}${APP_UPLOAD_PREFIX}${method}`, { method: 'POST', headers, body: data as Uint8Array<ArrayBuffer> }));
  };
  return {
    async call(method: MethodName, params: unknown): Promise<unknown> {
      let reply: IpcReply<unknown>;
      try {
        reply = uploads.has(method) ? await upload(method, params) : await bridge.invoke(ipcChannel(method), params);
      } catch (e) {
        throw toApiError(e, method);
      }
      if (reply.ok) return reply.value;
      throw toApiError(reply.error, method);
    },
    async readBinary(method: BinaryReadMethod, params: unknown): Promise<ArrayBuffer> {
      try {
        const res = await get(`${origin}${APP_BINARY_PREFIX}${binaryReadPath(method, params as { caseId: string; version?: string })}`);
        if (!res.ok) {
          const body = await replyOf(res);
          if (!body.ok) throw body.error;
          throw new Error(`HTTP ${res.status}`);
        }
        return await res.arrayBuffer();
      } catch (e) {
        throw toApiError(e, method);
      }
    },
    subscribe(sink: (event: EventName, payload: unknown) => void): () => void {
      return bridge.onEvent((event, payload) => sink(event as EventName, payload));
    },
  };
}

/** The renderer's API object inside Electron. */
export function createIpcClient(bridge: LobuleBridge = bridgeFromWindow(), options: IpcClientOptions = {}): LobuleApi {
  return createApi(createIpcTransport(bridge, options), METHOD_NAMES);
}

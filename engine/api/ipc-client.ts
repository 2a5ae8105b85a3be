/**
 * The Electron binding's client. electron/preload.ts exposes exactly one frozen object, `window.lobule`, of
 * type `LobuleBridge`; this module turns it into the same `LobuleApi` the HTTP client gives. Binary reads go
 * through the privileged `lobule://` scheme (served by electron/main.ts from workspace volumes by id only).
 * Browser-safe.
 */
import { ipcChannel, METHOD_NAMES, binaryReadPath, type BinaryReadMethod, type EventName, type IpcReply, type LobuleApi, type MethodName } from './contract.js';
import { createApi, toApiError, type ApiTransport } from './client.js';

/** The app's origin inside Electron: the renderer page and volume bytes are both served from it. */
export const APP_ORIGIN = 'lobule://app';
export const APP_BINARY_PREFIX = '/bin/';

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
  /** Where binary reads go (default lobule://app/bin/). */
  readonly binaryBase?: string;
  /** The fetch used for binary reads (default the page's; tests pass the host's scheme handler). */
  readonly fetch?: (url: string) => Promise<Response>;
}

export function createIpcTransport(bridge: LobuleBridge, options: IpcClientOptions = {}): ApiTransport {
  const binaryBase = options.binaryBase ?? `${APP_ORIGIN}${APP_BINARY_PREFIX}`;
  const get = options.fetch ?? ((url: string) => fetch(url));
  return {
    async call(method: MethodName, params: unknown): Promise<unknown> {
      let reply: IpcReply<unknown>;
      try {
        reply = await bridge.invoke(ipcChannel(method), params);
      } catch (e) {
        throw toApiError(e, method);
      }
      if (reply.ok) return reply.value;
      throw toApiError(reply.error, method);
    },
    async readBinary(method: BinaryReadMethod, params: unknown): Promise<ArrayBuffer> {
      try {
        const res = await get(binaryBase + binaryReadPath(method, params as { caseId: string; version?: string }));
        if (!res.ok) {
          const body = (await res.json()) as IpcReply<unknown>;
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

/**
 * Entry point for the renderer: `connectLobule()` returns the one typed API object, over Electron IPC when
 * the preload bridge is present, else over HTTP to `lobule serve` (token from the page URL).
 */
import type { LobuleApi } from './contract.js';
import { createHttpClient, type HttpClientOptions } from './http-client.js';
import { createIpcClient, type LobuleBridge } from './ipc-client.js';

export * from './contract.js';
export { createHttpClient, currentConnection, onConnectionChange, type ConnectionState, type HttpClientOptions } from './http-client.js';
export { createIpcClient, type LobuleBridge } from './ipc-client.js';

export function connectLobule(options: HttpClientOptions = {}): LobuleApi {
  const bridge = (globalThis as { lobule?: LobuleBridge }).lobule;
  return bridge ? createIpcClient(bridge) : createHttpClient(options);
}

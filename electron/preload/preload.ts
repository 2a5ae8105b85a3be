/**
 * The preload of the Lobule window: a small, audited allowlist (VS Code's sandbox preload pattern). It exposes
 * exactly one frozen object, `window.lobule` (engine/api/ipc-client.ts `LobuleBridge`), and nothing else:
 * - invoke(channel, params): only `lobule:<namespace>.<method>` channels; the main process checks the sender
 *   and validates every param again, so this check only keeps typos and probing out of IPC.
 * - onEvent(listener): host events from the single `lobule:event` channel.
 * - pathForFile(file): the host path of a file the user dropped on the window; it is granted to the main
 *   process here (the page cannot forge a File with a path), so `workspace.importPaths` may then read it.
 *
 * Sandboxed preloads are plain CommonJS scripts that may only require 'electron': nothing else is imported
 * (the bridge type is a type-only import). No getters with side effects, no raw ipcRenderer.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { LobuleBridge } from '../../engine/api/ipc-client.js';

const CHANNEL = /^lobule:[a-z]+\.[A-Za-z]+$/;
const EVENT_CHANNEL = 'lobule:event';
/** host/path-grants.ts GRANT_DROPPED_CHANNEL (a sandboxed preload cannot import it). */
const GRANT_DROPPED_CHANNEL = 'lobule-grant:dropped-path';

const bridge: LobuleBridge = {
  invoke(channel: string, params: unknown) {
    if (typeof channel !== 'string' || !CHANNEL.test(channel))
      return Promise.reject(new Error(`refused IPC channel ${String(channel).slice(0, 60)}`));
    return ipcRenderer.invoke(channel, params);
  },
  onEvent(listener: (event: string, payload: unknown) => void) {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const wrapped = (_e: IpcRendererEvent, event: unknown, payload: unknown) => {
      if (typeof event === 'string') listener(event, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
  pathForFile(file: unknown) {
    // Only a File the user really dropped or picked has a path; granting it is what lets main import it.
    const path = webUtils.getPathForFile(file as File);
    if (path) ipcRenderer.sendSync(GRANT_DROPPED_CHANNEL, path);
    return path;
  },
};

contextBridge.exposeInMainWorld('lobule', Object.freeze(bridge));

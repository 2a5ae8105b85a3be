/**
 * The renderer's API object. Inside Electron (preload bridge present) and for JSON calls over HTTP this is exactly
 * engine/api's client; the one adapter here sends labelmap uploads (labels.save, labels.writeJournal) as a Blob
 * instead of a Uint8Array. Reason: with a Uint8Array body Chromium copies the whole body into its DevTools
 * network events (78 MB of labels become a ~500 MB JSON string), which stalls DevTools and crashes Playwright's
 * transport; a Blob body is not copied. Same wire format (engine/api/http-client.ts).
 */
import { connectLobule } from '../../../engine/api/index.js';
import { createApi, toApiError, type ApiTransport } from '../../../engine/api/client.js';
import { createHttpTransport, HTTP_CALL_PREFIX, HTTP_PARAMS_HEADER, TOKEN_QUERY } from '../../../engine/api/http-client.js';
import { BINARY_UPLOADS, METHOD_NAMES, type LobuleApi } from '../../../engine/api/contract.js';

const uploads: ReadonlySet<string> = new Set(BINARY_UPLOADS);

function blobUploadTransport(): ApiTransport {
  const base = createHttpTransport();
  const token = new URL(location.href).searchParams.get(TOKEN_QUERY);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    ...base,
    async call(method, params) {
      if (!uploads.has(method)) return base.call(method, params);
      const { data, ...rest } = params as { data?: unknown };
      if (!(data instanceof Uint8Array)) return base.call(method, params);
      try {
        const res = await fetch(`${location.origin}${HTTP_CALL_PREFIX}${method}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { ...auth, 'content-type': 'application/octet-stream', [HTTP_PARAMS_HEADER]: encodeURIComponent(JSON.stringify(rest)) },
          body: new Blob([data as Uint8Array<ArrayBuffer>]),
        });
        const reply = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown };
        if (reply.ok) return reply.value;
        throw reply.error ?? new Error(`HTTP ${res.status}`);
      } catch (e) {
        throw toApiError(e, method);
      }
    },
  };
}

export function connectRenderer(): LobuleApi {
  const inElectron = (globalThis as { lobule?: unknown }).lobule !== undefined;
  return inElectron ? connectLobule() : createApi(blobUploadTransport(), METHOD_NAMES);
}

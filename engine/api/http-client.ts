/**
 * The HTTP binding's client, for a renderer served by `lobule serve` (and for tests in Node: it only uses
 * fetch, TextDecoder and streams, which both have).
 *
 * Wire (host/http/http-server.ts is the other end):
 * - `POST /api/call/<method>` with a JSON params body → `{ok: true, value}` or `{ok: false, error}`.
 * - Binary uploads (`labels.save`, `labels.writeJournal`): the same path, body = the labelmap bytes
 *   (application/octet-stream), the other params JSON in the `X-Lobule-Params` header.
 * - Binary reads: `GET /api/bin/<binaryReadPath>` → application/octet-stream.
 * - Events: `GET /api/events` → Server-Sent Events, `event: <name>`, `data: <json>`. Read with fetch rather
 *   than EventSource so the token can travel in a header and Node can use the same client.
 * - Auth: `Authorization: Bearer <token>`; the page itself is loaded with `?token=` and gets a cookie.
 * - Connection state: every transport reports whether the host answers (`onConnectionChange`), so the page can
 *   show a lost connection at once (the event stream drops) rather than when a save fails, and can tell a host
 *   that is down from a session that ended (401: the server restarted with another token).
 */
import { BINARY_UPLOADS, binaryReadPath, type BinaryReadMethod, type EventName, type LobuleApi, type MethodName } from './contract.js';
import { METHOD_NAMES } from './schemas.js';
import { createApi, isSerializedError, toApiError, type ApiTransport } from './client.js';
import { HTTP_BINARY_PREFIX, HTTP_CALL_PREFIX, HTTP_EVENTS_PATH, HTTP_PARAMS_HEADER, TOKEN_QUERY } from './wire.js';

export interface HttpClientOptions {
  /** e.g. "http://127.0.0.1:7341"; default: the page's origin. */
  readonly baseUrl?: string;
  /** Default: the `token` query parameter of the page URL (else the cookie set on page load is used). */
  readonly token?: string;
  /** Delay before the event stream reconnects after it drops (ms). */
  readonly reconnectMs?: number;
  /** How binary reads (volumes) are fetched; default: fetch on the calling thread. */
  readonly fetchBinary?: BinaryFetch;
}

/** A binary read's HTTP status and body (on an error status, the body is the host's JSON reply). */
export interface BinaryResponse {
  readonly status: number;
  readonly body: ArrayBuffer;
}
/** Fetches a binary-read URL with the given headers; rejects only when the host cannot be reached. */
export type BinaryFetch = (url: string, headers: Readonly<Record<string, string>>) => Promise<BinaryResponse>;

/** The default BinaryFetch. */
export const fetchOnThisThread: BinaryFetch = async (url, headers) => {
  const res = await fetch(url, { headers, credentials: 'same-origin' });
  return { status: res.status, body: await res.arrayBuffer() };
};

interface PageLocation {
  readonly href: string;
  readonly origin: string;
}

function pageLocation(): PageLocation | undefined {
  return (globalThis as { location?: PageLocation }).location;
}

const uploads: ReadonlySet<string> = new Set(BINARY_UPLOADS);

/** 'online': the host answers; 'offline': it cannot be reached; 'ended': it refuses our token (401). */
export type ConnectionState = 'online' | 'offline' | 'ended';
type ConnectionListener = (state: ConnectionState) => void;
const connectionListeners = new Set<ConnectionListener>();
let connectionState: ConnectionState = 'online';

function report(state: ConnectionState): void {
  if (state === connectionState) return;
  connectionState = state;
  for (const l of connectionListeners) l(state);
}

/** The last known state of the HTTP connection ('online' until something fails; the IPC binding never changes it). */
export function currentConnection(): ConnectionState {
  return connectionState;
}

/** Calls `listener` on every change of the connection state; returns the unsubscribe function. */
export function onConnectionChange(listener: ConnectionListener): () => void {
  connectionListeners.add(listener);
  return () => void connectionListeners.delete(listener);
}

/** What a response says about the connection: any answer but 401 means the host is there and knows us. */
function noteResponse(res: { readonly status: number }): void {
  report(res.status === 401 ? 'ended' : 'online');
}

/** A fetch that threw (not an HTTP error): the host is unreachable, unless the caller aborted it. */
function noteFailure(e: unknown): void {
  if ((e as { name?: unknown })?.name !== 'AbortError') report('offline');
}

async function readReply(res: Response, what: string): Promise<unknown> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw toApiError(new Error(`HTTP ${res.status} ${text.slice(0, 200)}`), what);
  }
  const reply = body as { ok?: unknown; value?: unknown; error?: unknown };
  if (reply.ok === true) return reply.value;
  if (isSerializedError(reply.error)) throw toApiError(reply.error, what);
  throw toApiError(new Error(`HTTP ${res.status}: unexpected reply`), what);
}

/** Parses an SSE byte stream into (event, data) pairs; per the HTML spec, blank lines end an event. */
async function pumpSse(body: ReadableStream<Uint8Array>, sink: (event: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length) sink(event, data.join('\n'));
        event = 'message';
        data = [];
      } else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
  }
}

export function createHttpTransport(options: HttpClientOptions = {}): ApiTransport {
  const loc = pageLocation();
  const base = (options.baseUrl ?? loc?.origin ?? '').replace(/\/$/, '');
  if (!base) throw new TypeError('createHttpClient: no baseUrl and no page location');
  const token = options.token ?? (loc ? (new URL(loc.href).searchParams.get(TOKEN_QUERY) ?? undefined) : undefined);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const fetchBinary = options.fetchBinary ?? fetchOnThisThread;

  return {
    async call(method: MethodName, params: unknown): Promise<unknown> {
      try {
        let init: RequestInit;
        if (uploads.has(method)) {
          const { data, ...rest } = params as { data?: unknown };
          if (!(data instanceof Uint8Array))
            throw { name: 'LobuleError', code: 'E_INVALID_ARGUMENT', message: `${method}: data must be a Uint8Array of labelmap bytes` };
          init = {
            method: 'POST',
            headers: {
              ...auth,
              'content-type': 'application/octet-stream',
              [HTTP_PARAMS_HEADER]: encodeURIComponent(JSON.stringify(rest)),
            },
            // A Blob, not the Uint8Array itself: Chromium copies a typed-array body into its DevTools network
            // events (78 MB of labels become a ~500 MB string), which stalls DevTools; a Blob body is not copied.
            body: new Blob([data as Uint8Array<ArrayBuffer>]),
          };
        } else {
          init = { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(params) };
        }
        const res = await fetch(`${base}${HTTP_CALL_PREFIX}${method}`, { ...init, credentials: 'same-origin' }).catch((e: unknown) => {
          noteFailure(e);
          throw e;
        });
        noteResponse(res);
        return await readReply(res, method);
      } catch (e) {
        throw toApiError(e, method);
      }
    },
    async readBinary(method: BinaryReadMethod, params: unknown): Promise<ArrayBuffer> {
      try {
        const path = binaryReadPath(method, params as { caseId: string; version?: string });
        const res = await fetchBinary(`${base}${HTTP_BINARY_PREFIX}${path}`, auth).catch((e: unknown) => {
          noteFailure(e);
          throw e;
        });
        noteResponse(res);
        if (res.status < 200 || res.status > 299) await readReply(new Response(res.body, { status: res.status }), method);
        return res.body;
      } catch (e) {
        throw toApiError(e, method);
      }
    },
    subscribe(sink: (event: EventName, payload: unknown) => void): () => void {
      const controller = new AbortController();
      const connect = async (): Promise<void> => {
        while (!controller.signal.aborted) {
          try {
            const res = await fetch(`${base}${HTTP_EVENTS_PATH}`, {
              headers: { ...auth, accept: 'text/event-stream' },
              signal: controller.signal,
              credentials: 'same-origin',
            });
            noteResponse(res);
            if (res.ok && res.body) await pumpSse(res.body, (event, data) => sink(event as EventName, JSON.parse(data)));
            // The stream ended: the host went away (a clean stop closes it), so say so before the retry.
            if (!controller.signal.aborted && res.ok) report('offline');
          } catch (e) {
            noteFailure(e); // dropped or refused: retry below unless closed
          }
          if (controller.signal.aborted) return;
          await new Promise((r) => setTimeout(r, options.reconnectMs ?? 1000));
        }
      };
      void connect();
      return () => controller.abort();
    },
  };
}

/** The renderer's API object when it runs in a browser against `lobule serve`. */
export function createHttpClient(options: HttpClientOptions = {}): LobuleApi {
  return createApi(createHttpTransport(options), METHOD_NAMES);
}

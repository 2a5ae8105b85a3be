/**
 * The HTTP binding of the contract, for `lobule serve` (node:http and a small router: the surface is five
 * routes, so a framework would add more to audit than it saves). Wire format: see engine/api/http-client.ts.
 *
 * Security, in the order it is checked on EVERY request (unknown paths included):
 * 1. Host header must name the bound address (else 403): a DNS-rebinding page cannot reach us by name.
 * 2. The random token (else 401): header `Authorization: Bearer`, or the HttpOnly cookie set when the page was
 *    loaded with `?token=` (the query form counts only for page loads, so it is never needed in API URLs).
 * 3. Body limits (413): JSON calls 1 MiB; labelmap uploads up to `maxUploadBytes` (default 1 GiB); the import
 *    form's file uploads are streamed to disk within their own limits (uploads.ts).
 * 4. Ids are validated by the contract's schemas (400 for `..`, slashes, absolute paths).
 *
 * Resources (a reliability run held 1,004 trickling sockets open and pushed the server to 3.1 GiB with 20 parallel
 * uploads): a refused request (401, 403, 413) closes its connection; headers must arrive within 10 s and a socket
 * idle for 30 s while sending is dropped; at most `maxConnections` sockets; uploads run `maxConcurrentUploads` at a
 * time (the rest wait unread, TCP holds their bytes), each read into one buffer of its declared size, so memory
 * stays near one labelmap per upload slot.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { BINARY_UPLOADS, parseBinaryReadPath, type EventName } from '../../engine/api/contract.js';
import {
  binaryReadToWire,
  HTTP_BINARY_PREFIX,
  HTTP_CALL_PREFIX,
  HTTP_EVENTS_PATH,
  HTTP_PARAMS_HEADER,
  TOKEN_COOKIE,
  TOKEN_QUERY,
} from '../../engine/api/wire.js';
import { HTTP_UPLOAD_PATH } from '../../engine/api/upload-wire.js';
import { dispatch, httpStatusOf, type Reply } from '../dispatch.js';
import type { LobuleService } from '../service.js';
import { RENDERER_CSP, readStaticFile } from '../static-files.js';
import { HttpError, httpError, readBody, readJson, sendJson } from './http-io.js';
import { UploadRoutes, type UploadOptions } from './uploads.js';

export interface HttpHostOptions {
  readonly host?: string;
  readonly port?: number;
  /** Default: 32 random bytes, hex. */
  readonly token?: string;
  /** Folder of the built renderer; null serves the API only. */
  readonly rendererDir: string | null;
  readonly maxJsonBytes?: number;
  readonly maxUploadBytes?: number;
  /** Open sockets at most (default 128: a browser uses ~6 per page plus the event stream). */
  readonly maxConnections?: number;
  /** Uploads read and handled at the same time (default 1); more wait, up to `maxWaitingUploads` (default 32). */
  readonly maxConcurrentUploads?: number;
  readonly maxWaitingUploads?: number;
  /** How long the request headers may take (default 10 s) and how long a sending socket may stay silent (30 s). */
  readonly headersTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** File uploads of the import form (host/http/uploads.ts): limits and how long idle uploads are kept. */
  readonly uploads?: UploadOptions;
}

export interface HttpHost {
  readonly server: Server;
  readonly url: string;
  readonly token: string;
  /** The page URL with the token, as printed on stdout. */
  readonly pageUrl: string;
  /** Most upload bytes held in memory at once since the start (diagnostics; the bound the upload slots keep). */
  peakUploadBytes(): number;
  close(): Promise<void>;
}

const uploads: ReadonlySet<string> = new Set(BINARY_UPLOADS);
/** Statuses after which the connection is closed (see ServeHost.fail). */
const CLOSE_ON: ReadonlySet<number> = new Set([401, 403, 413, 429]);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

function sendReply(res: ServerResponse, reply: Reply): void {
  sendJson(res, reply.ok ? 200 : httpStatusOf(reply.error), reply);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return v.join('=');
  }
  return undefined;
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Sets the socket's idle timeout; the socket is gone (null) once a response is done or the client left. */
function idle(req: IncomingMessage, ms: number): void {
  (req.socket as IncomingMessage['socket'] | null)?.setTimeout(ms);
}

/** Counting semaphore: `run` waits for a free slot (refusing with 429 when too many already wait). */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly size: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) {
      if (this.waiting.length >= this.maxWaiting) {
        throw httpError(
          429,
          'E_LOCKED',
          `${this.active + this.waiting.length} uploads are already in progress or waiting`,
          'Wait for them to finish, then send this one again',
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Reads an upload into one buffer of exactly its declared Content-Length, so no chunk list and no concatenation
 * copy exist next to it (browsers always declare it; a chunked body is read the plain way, within the limit).
 */
async function readUpload(req: IncomingMessage, limit: number): Promise<Buffer> {
  const header = req.headers['content-length'];
  if (header === undefined) return readBody(req, limit);
  const declared = Number(header);
  if (!Number.isSafeInteger(declared) || declared < 0)
    throw httpError(400, 'E_INVALID_ARGUMENT', `Content-Length '${header.slice(0, 40)}' is not a size`);
  if (declared > limit)
    throw httpError(
      413,
      'E_INVALID_ARGUMENT',
      `upload of ${declared} bytes is larger than the ${limit} byte limit`,
      'Send less data per call',
    );
  const body = Buffer.allocUnsafeSlow(declared);
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size + chunk.length > declared)
      throw httpError(400, 'E_INVALID_ARGUMENT', `upload body is longer than its Content-Length ${declared}`);
    chunk.copy(body, size);
    size += chunk.length;
  }
  if (size !== declared) throw httpError(400, 'E_INVALID_ARGUMENT', `upload ended after ${size} of ${declared} bytes`, 'Send it again');
  return body;
}

/** One running serve host: the request pipeline of the file comment, one small method per route. */
class ServeHost {
  private readonly sse = new Set<ServerResponse>();
  private allowedHosts = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly maxJson: number;
  private readonly maxUpload: number;
  private readonly uploadSlots: Slots;
  readonly idleTimeoutMs: number;
  private uploadBytesHeld = 0;
  peakUploadBytes = 0;
  readonly fileUploads: UploadRoutes;

  constructor(
    private readonly service: LobuleService,
    private readonly options: HttpHostOptions,
    readonly token: string,
  ) {
    this.maxJson = options.maxJsonBytes ?? 1 << 20;
    this.maxUpload = options.maxUploadBytes ?? 1 << 30;
    this.uploadSlots = new Slots(options.maxConcurrentUploads ?? 1, options.maxWaitingUploads ?? 32);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.fileUploads = new UploadRoutes(service, options.uploads);
    this.unsubscribe = service.onEvent((event: EventName, payload: unknown) => {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const res of this.sse) res.write(frame);
    });
  }

  /**
   * Called once the port is known: the Host header names that may reach us. A wildcard bind (0.0.0.0, ::)
   * accepts this machine's own addresses and host name; a DNS-rebinding page only ever has a foreign name.
   */
  bound(urlHost: string, bindHost: string, port: number): void {
    const names = new Set([urlHost]);
    if (LOOPBACK.has(bindHost) || WILDCARD.has(bindHost)) for (const h of LOOPBACK) names.add(h);
    if (WILDCARD.has(bindHost)) {
      names.add(hostname());
      for (const list of Object.values(networkInterfaces()))
        for (const a of list ?? []) names.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
    }
    this.allowedHosts = new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const { viaQuery } = this.authorize(req, url);
    const path = url.pathname;
    if (path === HTTP_EVENTS_PATH) return this.events(req, res);
    if (path === HTTP_UPLOAD_PATH || path.startsWith(`${HTTP_UPLOAD_PATH}/`))
      return this.fileUploads.handle(req, res, path.slice(HTTP_UPLOAD_PATH.length));
    if (path.startsWith(HTTP_CALL_PREFIX)) return this.call(req, res, path.slice(HTTP_CALL_PREFIX.length));
    if (path.startsWith(HTTP_BINARY_PREFIX)) {
      if (req.method !== 'GET') throw httpError(405, 'E_INVALID_ARGUMENT', 'binary reads use GET');
      return this.binary(res, path.slice(HTTP_BINARY_PREFIX.length));
    }
    if (path.startsWith('/api/')) throw httpError(404, 'E_NOT_FOUND', `no API route ${path.slice(0, 100)}`);
    return this.staticFile(req, res, url, viaQuery);
  }

  /** 403 for a foreign Host, 401 without the token; `?token=` counts only for page loads (GET, not /api/). */
  private authorize(req: IncomingMessage, url: URL): { viaQuery: boolean } {
    if (!req.headers.host || !this.allowedHosts.has(req.headers.host.toLowerCase())) {
      throw httpError(
        403,
        'E_INVALID_ARGUMENT',
        `Host "${String(req.headers.host ?? '').slice(0, 100)}" is not this server`,
        'Open the URL that `lobule serve` printed',
      );
    }
    // Browsers send the token cookie to every port of 127.0.0.1 and count all those ports as the same site, so
    // SameSite does not stop a page served by another local program from calling the API: refuse API calls whose
    // Origin is not this server, or that the browser marks as coming from another origin.
    if (url.pathname.startsWith('/api/')) {
      const origin = req.headers.origin;
      if (origin !== undefined && !this.allowedHosts.has(hostOfOrigin(origin))) {
        throw httpError(
          403,
          'E_INVALID_ARGUMENT',
          `requests from ${origin.slice(0, 100)} may not use this server`,
          'Use the page that `lobule serve` printed',
        );
      }
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw httpError(
          403,
          'E_INVALID_ARGUMENT',
          `cross-origin API request (${String(site).slice(0, 20)}) refused`,
          'Use the page that `lobule serve` printed',
        );
      }
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (sameSecret(bearer, this.token) || sameSecret(cookieToken(req), this.token)) return { viaQuery: false };
    const pageLoad = (req.method === 'GET' || req.method === 'HEAD') && !url.pathname.startsWith('/api/');
    if (pageLoad && sameSecret(url.searchParams.get(TOKEN_QUERY) ?? undefined, this.token)) return { viaQuery: true };
    throw httpError(401, 'E_INVALID_ARGUMENT', 'missing or wrong access token', 'Open the URL with ?token=… that `lobule serve` printed');
  }

  private async call(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') throw httpError(405, 'E_INVALID_ARGUMENT', `${method}: use POST`);
    if (uploads.has(method)) {
      // the slot covers the handler too: it holds the upload's buffer until the labelmap is saved
      idle(req, 0); // waiting for a slot is the server's delay, not the client's silence
      return this.uploadSlots.run(async () => {
        idle(req, this.idleTimeoutMs);
        const declared = Number(req.headers['content-length'] ?? 0) || 0;
        this.uploadBytesHeld += declared;
        this.peakUploadBytes = Math.max(this.peakUploadBytes, this.uploadBytesHeld);
        try {
          const params = await this.uploadParams(req, method);
          sendReply(res, await this.computing(req, () => dispatch(this.service.handlers, method, params)));
        } finally {
          this.uploadBytesHeld -= declared;
        }
      });
    }
    const params = await this.jsonParams(req, method);
    sendReply(res, await this.computing(req, () => dispatch(this.service.handlers, method, params)));
  }

  /** The idle timeout guards a client that stops sending, not a call the server takes long to answer. */
  private async computing<T>(req: IncomingMessage, work: () => Promise<T>): Promise<T> {
    idle(req, 0);
    try {
      return await work();
    } finally {
      idle(req, this.idleTimeoutMs);
    }
  }

  private jsonParams(req: IncomingMessage, method: string): Promise<unknown> {
    return readJson(req, this.maxJson, method);
  }

  /** Labelmap uploads: raw bytes in the body, the other params as JSON in a header. */
  private async uploadParams(req: IncomingMessage, method: string): Promise<unknown> {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
      throw httpError(415, 'E_INVALID_ARGUMENT', `${method}: send the labelmap as application/octet-stream`);
    }
    const body = await readUpload(req, this.maxUpload);
    let rest: unknown;
    try {
      rest = JSON.parse(decodeURIComponent(String(req.headers[HTTP_PARAMS_HEADER] ?? '%7B%7D')));
    } catch {
      throw httpError(400, 'E_INVALID_ARGUMENT', `${method}: the ${HTTP_PARAMS_HEADER} header is not JSON`);
    }
    return typeof rest === 'object' && rest !== null
      ? { ...rest, data: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) }
      : rest;
  }

  private async binary(res: ServerResponse, path: string): Promise<void> {
    const parsed = parseBinaryReadPath(path);
    if (!parsed) throw httpError(404, 'E_NOT_FOUND', `no binary endpoint ${path.slice(0, 100)}`);
    const reply = await this.computing(res.req, () => dispatch(this.service.handlers, parsed.method, parsed.params));
    if (!reply.ok) return sendReply(res, reply);
    const bytes = binaryReadToWire(parsed.method, reply.value as Uint8Array);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': bytes.byteLength,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(bytes);
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    idle(req, 0); // the heartbeat below keeps it alive; the client reconnects if it dies
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': lobule events\n\n');
    this.sse.add(res);
    // A comment line now and then lets both ends notice a dead connection (the client then reconnects).
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 25000);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      this.sse.delete(res);
    });
  }

  private async staticFile(req: IncomingMessage, res: ServerResponse, url: URL, viaQuery: boolean): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw httpError(405, 'E_INVALID_ARGUMENT', 'only GET is served here');
    const dir = this.options.rendererDir;
    const file = dir ? await readStaticFile(dir, url.pathname) : null;
    if (!file) {
      const hint = dir ? undefined : 'The renderer is not built: run `npm run build`, then `lobule serve` again';
      throw httpError(404, 'E_NOT_FOUND', `no file ${url.pathname.slice(0, 200)}`, hint);
    }
    const headers: Record<string, string | number> = {
      'content-type': file.contentType,
      'content-length': file.body.length,
      'x-content-type-options': 'nosniff',
    };
    if (file.contentType.startsWith('text/html')) {
      headers['content-security-policy'] = RENDERER_CSP;
      headers['cache-control'] = 'no-store';
      headers['referrer-policy'] = 'no-referrer';
    }
    // The page was opened with ?token=: from now on the browser proves itself with a cookie scripts cannot read.
    if (viaQuery) headers['set-cookie'] = `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  /**
   * Any failure becomes a JSON error reply with its status; nothing a request does can crash the server. A
   * refused request (401, 403, 413, 429) also loses its connection, once the reply has gone out: a client
   * without the token (or sending too much) gets no socket to hold on to.
   */
  fail(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    const err =
      e instanceof HttpError
        ? e
        : new HttpError(500, { name: 'LobuleError', code: 'E_INTERNAL', message: e instanceof Error ? e.message : String(e) });
    if (res.headersSent) return void res.destroy();
    if (CLOSE_ON.has(err.status)) {
      res.setHeader('connection', 'close');
      const socket = req.socket as typeof req.socket | null; // detached from req once the response is done
      res.once('finish', () => {
        if (!socket || socket.destroyed) return;
        socket.end();
        // the client may keep sending an unwanted body: drop the socket if it does not close by itself
        setTimeout(() => socket.destroy(), 1000).unref();
      });
    }
    sendJson(res, err.status, { ok: false, error: err.serialized });
  }

  close(): Promise<void> {
    this.unsubscribe();
    for (const res of this.sse) res.end();
    this.sse.clear();
    return this.fileUploads.close();
  }
}

export async function startHttpHost(service: LobuleService, options: HttpHostOptions): Promise<HttpHost> {
  const bindHost = options.host ?? '127.0.0.1';
  const host = new ServeHost(service, options, options.token ?? randomBytes(32).toString('hex'));
  // headersTimeout is enforced by a periodic sweep (default every 30 s); sweep every second so it means 10 s
  const server = createServer(
    { connectionsCheckingInterval: 1000 },
    (req, res) => void host.handle(req, res).catch((e: unknown) => host.fail(req, res, e)),
  );
  server.requestTimeout = 0; // uploads of big labelmaps on slow links must not be cut by the default 5 min
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.maxConnections = options.maxConnections ?? 128;
  // a socket that sends nothing for this long (trickling headers or body) is dropped; computing() lifts it
  server.setTimeout(host.idleTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  host.bound(urlHost, bindHost, port);
  const url = `http://${urlHost}:${port}`;
  return {
    server,
    url,
    token: host.token,
    pageUrl: `${url}/?${TOKEN_QUERY}=${host.token}`,
    peakUploadBytes: () => host.peakUploadBytes,
    async close() {
      await host.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** `host[:port]` of an Origin header, lower-case; '' when it is not a URL (e.g. "null"). */
function hostOfOrigin(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return '';
  }
}

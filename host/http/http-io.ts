/** What every route of the serve host shares: its refusal type, JSON replies and bounded body reads. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SerializedError } from '../../engine/api/contract.js';

/** An HTTP refusal with its status and the contract's error shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly serialized: SerializedError,
  ) {
    super(serialized.message);
  }
}

export const httpError = (status: number, code: SerializedError['code'], message: string, hint?: string) =>
  new HttpError(status, { name: 'LobuleError', code, message, hint });

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** Reads a request body, refusing (413) as soon as it passes `limit`. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooBig = () =>
    httpError(413, 'E_INVALID_ARGUMENT', `request body is larger than the ${limit} byte limit`, 'Send less data per call');
  if (Number.isFinite(declared) && declared > limit) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooBig();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** A JSON body (`{}` when empty); `what` names the call in errors. */
export async function readJson(req: IncomingMessage, limit: number, what: string): Promise<unknown> {
  // A JSON content type makes a browser ask (CORS preflight, which this server never grants) before any
  // cross-origin page can send the call at all.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw httpError(415, 'E_INVALID_ARGUMENT', `${what}: send the parameters as application/json`);
  }
  const body = await readBody(req, limit);
  try {
    return body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    throw httpError(400, 'E_INVALID_ARGUMENT', `${what}: the request body is not JSON`);
  }
}

/**
 * Wire constants of the two bindings (HTTP for `lobule serve`, the lobule:// scheme and IPC for Electron), and the
 * wire form of binary reads. Clients (engine/api/*-client.ts) and servers (host/http, host/electron) both import
 * them from here, so neither side reaches into the other's module for a path, a header name or a format.
 * Browser-safe.
 */
import { decodeLabelRuns, encodeLabelRuns } from '../common/label-runs.js';
import { BINARY_PARAMS_HEADER, type BinaryReadMethod } from './contract.js';

export const HTTP_CALL_PREFIX = '/api/call/';
export const HTTP_BINARY_PREFIX = '/api/bin/';
export const HTTP_EVENTS_PATH = '/api/events';
export const HTTP_PARAMS_HEADER = BINARY_PARAMS_HEADER;
export const TOKEN_QUERY = 'token';
export const TOKEN_COOKIE = 'lobule_token';

/** The privileged scheme the Electron renderer page and volume bytes are served from. */
export const APP_SCHEME = 'lobule';
export const APP_HOST = 'app';
/** The app's origin inside Electron. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_BINARY_PREFIX = '/bin/';
export const APP_UPLOAD_PREFIX = '/upload/';

/** Binary reads whose bytes are labelmaps: they travel run-length coded (engine/common/label-runs.ts says why). */
const LABELMAP_READS: ReadonlySet<BinaryReadMethod> = new Set(['volumes.labelBytes', 'labels.journalBytes', 'labels.proposalBytes']);

/** What a host sends for a binary read's bytes. */
export function binaryReadToWire(method: BinaryReadMethod, bytes: Uint8Array): Uint8Array {
  return LABELMAP_READS.has(method) ? encodeLabelRuns(bytes) : bytes;
}

/** The bytes of a binary read from what the host sent (binaryReadToWire). */
export function binaryReadFromWire(method: BinaryReadMethod, body: ArrayBuffer): ArrayBuffer {
  if (!LABELMAP_READS.has(method)) return body;
  const labels = decodeLabelRuns(body);
  return labels.buffer as ArrayBuffer;
}

/**
 * Wire constants of the two bindings (HTTP for `lobule serve`, the lobule:// scheme and IPC for Electron).
 * Clients (engine/api/*-client.ts) and servers (host/http, host/electron) both import them from here, so
 * neither side reaches into the other's module for a path or header name. Browser-safe.
 */
import { BINARY_PARAMS_HEADER } from './contract.js';

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

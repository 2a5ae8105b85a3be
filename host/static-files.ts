/**
 * Serves the built renderer (dist/renderer) for both hosts. Request paths are resolved inside the root and
 * anything that escapes it is refused; only files, never directory listings.
 */
import { createHash } from 'node:crypto';
import { REPORT_SCRIPT } from '../engine/evaluation/report-html.js';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Content-Security-Policy of the renderer page: scripts only from the app itself (wasm allowed for the image
 * codecs), no inline script, no remote connections, no frames, no plugins.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  // The hash admits the evaluation report's table-sorting script (and nothing else inline) when the app opens a
  // report page, which inherits this policy.
  `script-src 'self' 'wasm-unsafe-eval' 'sha256-${createHash('sha256').update(REPORT_SCRIPT).digest('base64')}'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Reads `urlPath` ("/", "/assets/x.js") under `root`; null when it is not a file there. */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const base = resolve(root);
  const full = resolve(base, '.' + normalize('/' + rel));
  if (full !== base && !full.startsWith(base + sep)) return null;
  const st = await stat(full).catch(() => null);
  if (!st?.isFile()) return null;
  return { body: await readFile(full), contentType: TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream' };
}

export function rendererIndexExists(root: string): Promise<boolean> {
  return stat(join(root, 'index.html')).then(
    (s) => s.isFile(),
    () => false,
  );
}

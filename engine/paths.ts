/**
 * Where Lobule's own files live. Code runs both from sources (tsx, tests) and from dist/ (the built CLI and
 * Electron), so the package root is found by walking up to Lobule's package.json, not by a fixed `../..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'lobule') return (cachedRoot = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Lobule package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function lobuleVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Models shipped with Lobule (assets/models/<name>/). */
export function bundledModelsDir(): string {
  return join(packageRoot(), 'assets', 'models');
}

/** The built renderer that `lobule serve` and Electron load. */
export function rendererDistDir(): string {
  return join(packageRoot(), 'dist', 'renderer');
}

/** The e2e tests need the built CLI and renderer (dist/); the build script skips what is up to date. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

export function ensureBuilt(): void {
  const r = spawnSync(process.execPath, [join(packageRoot(), 'scripts', 'build.mjs')], { cwd: packageRoot(), stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs failed with exit code ${r.status}`);
}

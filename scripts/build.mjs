#!/usr/bin/env node
// Builds what `lobule`, `npm start` and the tests need: the engine/cli/electron TypeScript (tsc, incremental)
// and the renderer bundle (vite). Each step is skipped when its outputs are newer than its sources, so
// `npm test` and `npm start` can call this every time at little cost.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir, skip = new Set(['node_modules', 'dist'])) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  const st = statSync(dir);
  if (!st.isDirectory()) return st.mtimeMs;
  for (const entry of readdirSync(dir)) {
    if (skip.has(entry)) continue;
    newest = Math.max(newest, newestMtime(join(dir, entry), skip));
  }
  return newest;
}

function run(cmd, args, { okStatuses = [0] } = {}) {
  const bin = join(root, 'node_modules', '.bin', cmd);
  if (!existsSync(bin)) {
    console.error(`lobule build: ${cmd} is missing from node_modules; run \`npm install\` first.`);
    process.exit(1);
  }
  const r = spawnSync(bin, args, { cwd: root, stdio: 'inherit' });
  if (!okStatuses.includes(r.status)) process.exit(r.status ?? 1);
  return r.status;
}

const force = process.argv.includes('--force');
const tsSources = Math.max(
  ...['engine', 'host', 'cli', 'electron', 'types', 'tsconfig.json', 'tsconfig.build.json'].map((p) => newestMtime(join(root, p))),
);
const engineOut = join(root, 'dist', 'cli', 'main.js');
if (force || !existsSync(engineOut) || statSync(engineOut).mtimeMs < tsSources) {
  // tsc exits 2 when it found type errors but still wrote every file. The app then runs, and the type errors
  // fail `npm test` (test/typecheck.test.ts) instead of breaking `npm install` for a user.
  if (run('tsc', ['-p', 'tsconfig.build.json'], { okStatuses: [0, 2] }) === 2) {
    console.error('lobule build: type errors above (the build was written; `npm run typecheck` lists them)');
  }
}
// The renderer bundles engine/api (the contract) and engine/common (pure shared code), so both trigger a rebuild.
const rendererSources = Math.max(
  newestMtime(join(root, 'renderer')),
  newestMtime(join(root, 'engine', 'api')),
  newestMtime(join(root, 'engine', 'common')),
);
const rendererOut = join(root, 'dist', 'renderer', 'index.html');
if (existsSync(join(root, 'renderer', 'index.html'))) {
  if (force || !existsSync(rendererOut) || statSync(rendererOut).mtimeMs < rendererSources) {
    run('vite', ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  }
}

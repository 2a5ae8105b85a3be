#!/usr/bin/env node
// Thin launcher for the CLI compiled to dist/. A fresh checkout has no dist/ until the first `npm start`,
// `npm test` or `npm run build` (.npmrc's ignore-scripts skips `prepare`), so the first run builds it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('lobule: first run, building the CLI (a minute) ...');
  const build = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(fileURLToPath(main))) {
    console.error('lobule: the build failed; run `npm install` then `npm run build` in the Lobule folder and read its errors.');
    process.exit(1);
  }
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));

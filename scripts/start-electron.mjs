#!/usr/bin/env node
// `npm start`: launches the Electron app on the build that `node scripts/build.mjs` just made (npm start runs
// the build first). The Electron binary is downloaded by the electron package's installer; where that cannot
// happen (offline or locked-down machines, CI), `npm start` still starts the app: it says so in one line and runs
// the browser host (`lobule serve --open`, the same app in the default browser) with the same arguments.
// LOBULE_ELECTRON_DOWNLOAD=0 skips the download attempt.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

/** The binary the electron package would run, without triggering its download-on-require. */
function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p) ? p : null;
  }
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const p = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(p) ? p : null;
}

/** No Electron here: run the browser host instead, so `npm start` always starts the app. */
function unavailable(why) {
  console.error(`lobule: the Electron binary is not available here (${why}); starting the browser version instead (lobule serve --open).`);
  run(process.execPath, [join(root, 'bin', 'lobule.js'), 'serve', '--open', ...process.argv.slice(2)]);
}

function run(command, args, env = process.env) {
  const child = spawn(command, args, { stdio: 'inherit', env });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
}

if (!existsSync(join(root, 'dist', 'electron', 'main.js'))) {
  console.error('lobule: dist/electron/main.js is missing; run `npm run build` first.');
  process.exit(1);
}

let binary = existsSync(join(electronDir, 'package.json')) ? electronBinary() : null;
if (!existsSync(join(electronDir, 'package.json'))) {
  unavailable('the electron package is not installed');
} else {
  if (!binary && process.env.LOBULE_ELECTRON_DOWNLOAD !== '0' && existsSync(join(electronDir, 'install.js'))) {
    // One quiet download attempt; its own output is a stack trace when offline, which helps nobody here.
    spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: 'ignore', timeout: 120000 });
    binary = electronBinary();
  }
  if (!binary) unavailable('it could not be downloaded');
  else run(binary, [root, ...process.argv.slice(2)], { ...process.env, ELECTRON_RUN_AS_NODE: undefined });
}

#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx) and ends with the line
// `N passed, N failed, N skipped` that CI reads. Usage: node scripts/run-tests.mjs [path-filter ...]
//
// The browser (e2e) files run as a second batch so their counts can be checked on their own: when Chromium is
// installed (or CI=true, where .ci/run installs it) the e2e suite is EXPECTED to run, and a run where it
// vanished (no e2e test passed: all skipped, or none ran) fails instead of reporting a green count without it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Tests start hosts that remember workspaces and serve tokens: keep that out of the user's own settings.
const testConfigDir = mkdtempSync(join(tmpdir(), 'lobule-test-config-'));
const filters = process.argv.slice(2);
const chromium = process.env.LOBULE_CHROMIUM ?? '/usr/bin/chromium';

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (entry.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

/** Runs one batch of files; resolves with its pass / fail / skip counts (cancelled counts as failed). */
function runBatch(files) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, FORCE_COLOR: '0', LOBULE_CONFIG_DIR: testConfigDir },
    });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const count = (name) => Number(new RegExp(`ℹ ${name} (\\d+)`).exec(tail)?.[1] ?? 0);
      let failed = count('fail') + count('cancelled');
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ passed: count('pass'), failed, skipped: count('skipped') + count('todo') });
    });
  });
}

const files = findTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const isE2e = (f) => f.startsWith(join('test', 'e2e') + '/');
const batches = [files.filter((f) => !isE2e(f)), files.filter(isE2e)].filter((b) => b.length > 0);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const batch of batches) {
  const r = await runBatch(batch);
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
  if (isE2e(batch[0])) {
    const expected = existsSync(chromium) || process.env.CI === 'true';
    if (expected && r.passed === 0) {
      console.error(
        `run-tests: the browser suite was expected to run (${existsSync(chromium) ? `Chromium at ${chromium}` : 'CI=true'}) ` +
          `but ${r.passed} e2e tests passed and ${r.skipped} were skipped; install Chromium (apt-get install -y chromium) ` +
          'or set LOBULE_CHROMIUM to its path.',
      );
      total.failed += 1;
    }
  }
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);

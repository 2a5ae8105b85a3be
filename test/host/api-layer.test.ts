/**
 * engine/api is imported by the browser renderer: it must compile with the DOM library and WITHOUT Node's
 * types, and import nothing from node:*, electron or engine modules that do (VS Code's layersChecker idea).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { tempDir } from './fixtures.js';

const API_DIR = join(packageRoot(), 'engine', 'api');

it('engine/api imports only browser-safe modules', () => {
  for (const file of readdirSync(API_DIR).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(API_DIR, file), 'utf8');
    const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
    for (const s of specifiers) {
      const ok = s === 'zod' || s.startsWith('./') || s === '../errors.js';
      assert.ok(ok, `${file} imports '${s}'`);
    }
  }
});

it('engine/api type-checks for the browser: DOM lib, no Node types', async () => {
  const tmp = await tempDir('lobule-api-layer-');
  try {
    const config = join(tmp.dir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(packageRoot(), 'tsconfig.json'),
        compilerOptions: { lib: ['ES2023', 'DOM'], types: [], noEmit: true, rootDir: packageRoot() },
        include: [join(API_DIR, '*.ts')],
        exclude: [],
      }),
    );
    const r = spawnSync(process.execPath, [join(packageRoot(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    await tmp.cleanup();
  }
});

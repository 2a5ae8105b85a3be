/**
 * engine/api is imported by the browser renderer: it must compile with the DOM library and WITHOUT Node's
 * types (VS Code's layersChecker idea). What it may import is a rule of the boundary lint
 * (.dependency-cruiser.cjs: api-is-the-contract, api-no-node; test/lint/boundaries.test.ts).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { tempDir } from './fixtures.js';

const API_DIR = join(packageRoot(), 'engine', 'api');

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
    const r = spawnSync(process.execPath, [join(packageRoot(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    await tmp.cleanup();
  }
});

/**
 * Formatting and the small lint set (biome.json) hold for every TypeScript and JavaScript file: `npm run format`
 * fixes the first, the second names the rule. (Svelte components are not covered: Biome does not format them.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

test('every source file is formatted as biome.json says and passes its lint rules', () => {
  const root = packageRoot();
  const biome = join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  const r = spawnSync(process.execPath, [biome, 'check', '--max-diagnostics=20', '.'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `biome check failed (npm run format fixes formatting):\n${r.stdout}${r.stderr}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../engine/paths.js';

test('the whole TypeScript project type-checks under strict mode', () => {
  const root = packageRoot();
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `tsc reported type errors:\n${r.stdout}${r.stderr}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../engine/paths.js';

function typecheck(project: string): void {
  const root = packageRoot();
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, '--noEmit'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `tsc -p ${project} reported type errors:\n${r.stdout}${r.stderr}`);
}

test('engine, cli, electron, tests and benchmarks type-check under strict mode (Node types, no DOM)', () => {
  typecheck('tsconfig.json');
});

test('engine/common type-checks with neither Node types nor the DOM (it is shared by the engine and the browser)', () => {
  typecheck('engine/common/tsconfig.json');
});

test('the renderer type-checks against the DOM library (engine/api included, no Node types)', () => {
  typecheck('renderer/tsconfig.json');
});

test("the renderer's Svelte components type-check (svelte-check)", () => {
  const root = packageRoot();
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'svelte-check', 'bin', 'svelte-check'), '--tsconfig', './renderer/tsconfig.json', '--fail-on-warnings'],
    { cwd: root, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `svelte-check reported problems:\n${r.stdout}${r.stderr}`);
});

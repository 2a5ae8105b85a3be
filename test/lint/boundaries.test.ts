/**
 * The layer rules of .dependency-cruiser.cjs hold for the whole tree, and they can fail: a fixture tree with
 * one deliberate violation per rule family is refused. Without the second test a misconfigured rule (a regex
 * that matches nothing) would pass silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

const root = packageRoot();
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const LAYERS = ['engine', 'host', 'cli', 'electron', 'renderer/src', 'renderer/dev', 'bench', 'tools'];

function cruise(cwd: string, paths: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [depcruise, ...paths, '--config', join(cwd, '.dependency-cruiser.cjs'), '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('no import in engine, host, cli, electron, renderer, bench or tools crosses a layer boundary', () => {
  const r = cruise(root, LAYERS);
  assert.equal(r.status, 0, `layer violations:\n${r.out}`);
});

test('the boundary lint fails on deliberate violations (common importing io and node:fs, engine importing host)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobule-lint-'));
  try {
    copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    const files: Record<string, string> = {
      'engine/common/pure.ts':
        "import { readFileSync } from 'node:fs';\nimport { io } from '../io/reader.js';\nexport const x = [readFileSync, io];\n",
      'engine/io/reader.ts': 'export const io = 1;\n',
      'engine/inference/run.ts': "import { service } from '../../host/service.js';\nexport const y = service;\n",
      'host/service.ts': 'export const service = 2;\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const r = cruise(dir, ['engine', 'host']);
    assert.notEqual(r.status, 0, 'the lint passed a tree that breaks the layer rules');
    assert.match(r.out, /common-is-pure/);
    assert.match(r.out, /engine-is-a-library/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

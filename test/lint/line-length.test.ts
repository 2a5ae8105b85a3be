/**
 * Lines stay within 140 columns. Biome wraps code; what it cannot wrap (long message strings, Svelte markup) is
 * debt recorded per file in long-lines.json, which may only shrink (VS Code's ratchet): a new file must be clean,
 * and a listed file may not gain long lines. Run with LOBULE_UPDATE_LONG_LINES=1 to rewrite the list after
 * fixing lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

const MAX = 140;
const root = packageRoot();
const listFile = join(root, 'test', 'lint', 'long-lines.json');

function longLineCounts(): Record<string, number> {
  const files = execFileSync(
    'git',
    [
      'ls-files',
      '--cached',
      '--others',
      '--exclude-standard',
      'engine',
      'host',
      'cli',
      'electron',
      'renderer/src',
      'test',
      'bench',
      'scripts',
      'tools',
      'bin',
    ],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
    .split('\n')
    .filter((f) => /\.(ts|mjs|js|svelte)$/.test(f) && !f.includes('/corpus/'));
  const counts: Record<string, number> = {};
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(join(root, f), 'utf8');
    } catch {
      continue; // deleted in the working tree
    }
    const n = text.split('\n').filter((line) => [...line].length > MAX).length;
    if (n > 0) counts[f] = n;
  }
  return counts;
}

test(`no source file gains lines over ${MAX} columns (long-lines.json is the recorded debt, and only shrinks)`, () => {
  const now = longLineCounts();
  if (process.env.LOBULE_UPDATE_LONG_LINES) writeFileSync(listFile, `${JSON.stringify(now, null, 2)}\n`);
  const allowed = JSON.parse(readFileSync(listFile, 'utf8')) as Record<string, number>;
  const worse = Object.entries(now).filter(([f, n]) => n > (allowed[f] ?? 0));
  assert.deepEqual(
    worse.map(([f, n]) => `${f}: ${n} lines over ${MAX} (allowed ${allowed[f] ?? 0})`),
    [],
    'wrap the lines (move long messages next to where the error is defined)',
  );
});

/** bench/results.ts: the notes table is generated from the newest figure of each benchmark, never hand-copied. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeResults, parseFigures, writeNotesTable } from '../../bench/results.js';

test('a bench run replaces the figures it measured, keeps the others, and regenerates only the notes block', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lobule-bench-'));
  try {
    const results = join(dir, 'results.jsonl');
    mergeResults(results, parseFigures('{"bench":"io.a","ms":1}\nnoise\n{"bench":"ui.b","ms":2}\n'), 'T1');
    const merged = mergeResults(results, [{ bench: 'io.a', ms: 3.14159 }], 'T2');
    assert.deepEqual(
      merged.map((f) => [f.bench, f.ms, f.measured_at]),
      [
        ['io.a', 3.14159, 'T2'],
        ['ui.b', 2, 'T1'],
      ],
    );
    const notes = join(dir, 'NOTES.md');
    writeFileSync(notes, '# Notes\nkept text\n');
    writeNotesTable(notes, merged);
    writeNotesTable(notes, merged);
    const text = readFileSync(notes, 'utf8');
    assert.match(text, /kept text/);
    assert.equal(text.split('bench:begin').length, 2, 'the generated block is replaced, not appended twice');
    assert.match(text, /\| io\.a \| ms 3\.14 \| T2 \|/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

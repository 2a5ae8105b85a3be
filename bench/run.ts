/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (so peak RSS is its own) and passes their
 * output through. Each benchmark prints one JSON line per figure: {"bench":"<area>.<name>", ...}.
 * Usage: npm run bench [-- name-filter ...]
 *
 * The figures are also kept in bench/results.jsonl (one line per figure, the newest measurement of each, with
 * the time it was taken), and the table in docs/NOTES.md is regenerated from that file, so the notes never
 * hold a hand-copied number.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeResults, parseFigures, writeNotesTable } from './results.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failures = 0;
const figures: Record<string, unknown>[] = [];
for (const file of files) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(r.stdout ?? '');
  figures.push(...parseFigures(r.stdout ?? ''));
  if (r.status !== 0) {
    failures++;
    const line = { bench: `${file.replace('.bench.ts', '')}.error`, exit_code: r.status };
    console.log(JSON.stringify(line));
    figures.push(line);
  }
}
const resultsFile = join(here, 'results.jsonl');
const merged = mergeResults(resultsFile, figures, new Date().toISOString());
writeNotesTable(join(here, '..', 'docs', 'NOTES.md'), merged);
process.exit(failures > 0 ? 1 : 0);

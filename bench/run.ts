/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (so peak RSS is its own) and passes their
 * output through. Each benchmark prints one JSON line per figure: {"bench":"<area>.<name>", ...}.
 * Usage: npm run bench [-- name-filter ...]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failures = 0;
for (const file of files) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failures++;
    console.log(JSON.stringify({ bench: `${file.replace('.bench.ts', '')}.error`, exit_code: r.status }));
  }
}
process.exit(failures > 0 ? 1 : 0);

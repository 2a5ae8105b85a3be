/**
 * `npm run fuzz -- --minutes N [--jobs J] [--seed S] [--target nifti,...] [--no-save]`: fuzzes every reader for
 * N minutes and prints one JSON summary line (inputs tried, outcomes, failures); exits 1 when anything failed.
 */
import { parseArgs } from 'node:util';
import { fuzz } from './fuzz.js';
import { TARGETS, type TargetName } from './targets.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '1' },
    seed: { type: 'string' },
    target: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const targets = values.target ? (values.target.split(',') as TargetName[]) : undefined;
if (!(minutes > 0) || (targets && targets.some((t) => !TARGETS.includes(t)))) {
  console.error(`usage: npm run fuzz -- --minutes N [--jobs J] [--seed S] [--target ${TARGETS.join(',')}] [--no-save]`);
  process.exit(2);
}
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const started = Date.now();
const stats = await fuzz({
  seconds: minutes * 60,
  seed,
  jobs: Number(values.jobs),
  targets,
  save: !values['no-save'],
  onProgress: (s) =>
    console.error(
      `fuzz: ${Math.round((Date.now() - started) / 1000)} s, ${s.tried} inputs, ${s.failures.length} failures ${JSON.stringify(s.byKind)}`,
    ),
});
console.log(JSON.stringify({ fuzz: 'summary', seed, minutes, ...stats, maxPeakRssMiB: Math.round(stats.maxPeakRssBytes / 2 ** 20) }));
process.exit(stats.failures.length ? 1 : 0);

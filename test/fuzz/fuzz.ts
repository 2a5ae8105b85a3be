/**
 * The fuzzing loop shared by `npm run fuzz` (run.ts) and the bounded run in `npm test` (fuzz.test.ts): targets in
 * turn, a random seed of the target, a mutated input, run in a worker; failures are minimized when that is cheap
 * (same-length mutations of one file: revert changed bytes while it still fails the same way) and saved.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../engine/common/rng.js';
import { saveFinding } from './corpus.js';
import { mutate } from './mutate.js';
import { FuzzWorker, isFailure } from './pool.js';
import { loadSeeds, TARGETS, type FuzzInput, type Seed, type TargetName } from './targets.js';
import type { OutcomeKind, WorkReply } from './worker.js';

export interface FuzzOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly jobs?: number;
  readonly targets?: readonly TargetName[];
  /** Save failures under test/fuzz/corpus (default true). */
  readonly save?: boolean;
  readonly onProgress?: (stats: FuzzStats) => void;
}

export interface FuzzFailure {
  readonly target: TargetName;
  readonly seed: string;
  readonly kind: OutcomeKind;
  readonly message: string;
  readonly saved?: string;
}

export interface FuzzStats {
  tried: number;
  readonly byKind: Record<string, number>;
  readonly byTarget: Record<string, number>;
  maxPeakRssBytes: number;
  maxMs: number;
  readonly failures: FuzzFailure[];
}

/** Failures that differ only in numbers are one bug: saved once per run. */
function signature(target: string, r: WorkReply): string {
  return `${target}|${r.kind}|${r.code ?? ''}|${(r.message ?? '')
    .split('\n')[0]
    .replace(/'[^']*'/g, "''")
    .replace(/[0-9]+/g, '#')
    .slice(0, 160)}`;
}

function withFile(input: FuzzInput, name: string, bytes: Buffer): FuzzInput {
  return { ...input, files: input.files.map((f) => (f.name === name ? { name, bytes } : f)) };
}

/** Reverts changed bytes of a same-length mutation, half by half, while the input still fails the same way. */
async function minimize(worker: FuzzWorker, seed: Seed, input: FuzzInput, name: string, reply: WorkReply): Promise<FuzzInput> {
  const original = seed.files.find((f) => f.name === name)?.bytes;
  const mutated = input.files.find((f) => f.name === name)?.bytes;
  if (!original || !mutated || original.length !== mutated.length || reply.kind === 'hang' || reply.kind === 'memory') return input;
  let diff = [...mutated.keys()].filter((i) => mutated[i] !== original[i]);
  const sig = signature(input.target, reply);
  let current = Buffer.from(mutated);
  let chunk = Math.ceil(diff.length / 2);
  for (let runs = 0; runs < 40 && chunk >= 1 && diff.length > 1; ) {
    let progressed = false;
    for (let start = 0; start < diff.length && runs < 40; start += chunk) {
      const trial = Buffer.from(current);
      const revert = diff.slice(start, start + chunk);
      for (const i of revert) trial[i] = original[i];
      runs++;
      const r = await worker.run(withFile(input, name, trial));
      if (isFailure(r) && signature(input.target, r) === sig) {
        current = trial;
        diff = diff.filter((i) => !revert.includes(i));
        progressed = true;
        break;
      }
    }
    if (!progressed) chunk = Math.floor(chunk / 2);
  }
  return withFile(input, name, current);
}

async function fuzzLane(
  lane: number,
  options: FuzzOptions,
  seeds: Map<TargetName, Seed[]>,
  stats: FuzzStats,
  deadline: number,
  seen: Set<string>,
): Promise<void> {
  const rand = mulberry32(options.seed + lane * 7919);
  const targets = options.targets ?? TARGETS;
  const scratch = await mkdtemp(join(tmpdir(), 'lobule-fuzz-'));
  const worker = new FuzzWorker(scratch);
  try {
    for (let n = 0; Date.now() < deadline; n++) {
      const target = targets[(n + lane) % targets.length];
      const list = seeds.get(target) ?? [];
      if (!list.length) continue;
      const seed = list[Math.floor(rand() * list.length)];
      const name = seed.mutable[Math.floor(rand() * seed.mutable.length)];
      const others = list.flatMap((s) => s.files.map((f) => f.bytes));
      const original = seed.files.find((f) => f.name === name)?.bytes as Buffer;
      const isText = seed.text === true && /\.(nrrd|nhdr)$/.test(name);
      const input = withFile(seed, name, mutate(original, rand, others, isText));
      const reply = await worker.run(input);
      stats.tried++;
      stats.byKind[reply.kind] = (stats.byKind[reply.kind] ?? 0) + 1;
      stats.byTarget[target] = (stats.byTarget[target] ?? 0) + 1;
      stats.maxPeakRssBytes = Math.max(stats.maxPeakRssBytes, reply.peakRssBytes);
      stats.maxMs = Math.max(stats.maxMs, reply.ms);
      if (!isFailure(reply)) continue;
      const sig = signature(target, reply);
      const first = !seen.has(sig);
      seen.add(sig);
      let saved: string | undefined;
      if (first && options.save !== false) saved = await saveFinding(await minimize(worker, seed, input, name, reply), reply, seed.label);
      stats.failures.push({ target, seed: seed.label, kind: reply.kind, message: (reply.message ?? '').slice(0, 300), saved });
      options.onProgress?.(stats);
    }
  } finally {
    worker.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function fuzz(options: FuzzOptions): Promise<FuzzStats> {
  const seeds = loadSeeds();
  const stats: FuzzStats = { tried: 0, byKind: {}, byTarget: {}, maxPeakRssBytes: 0, maxMs: 0, failures: [] };
  const deadline = Date.now() + options.seconds * 1000;
  const seen = new Set<string>();
  const lanes = Array.from({ length: Math.max(1, options.jobs ?? 1) }, (_, lane) => fuzzLane(lane, options, seeds, stats, deadline, seen));
  const progress = options.onProgress ? setInterval(() => options.onProgress?.(stats), 30_000) : undefined;
  try {
    await Promise.all(lanes);
  } finally {
    clearInterval(progress);
  }
  return stats;
}

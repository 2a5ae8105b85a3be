/**
 * Reader fuzzing inside `npm test`: every kept regression input (test/fuzz/corpus/) must end in a volume or a
 * LobuleError within 10 s and 1 GiB, and a bounded fuzzing run (LOBULE_FUZZ_SECONDS, default 45 s) over every reader
 * must find nothing new. Longer runs: `npm run fuzz -- --minutes N`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus } from './corpus.js';
import { fuzz } from './fuzz.js';
import { FuzzWorker, INPUT_TIMEOUT_MS, isFailure, MEMORY_CAP_BYTES } from './pool.js';

const SECONDS = Number(process.env.LOBULE_FUZZ_SECONDS ?? 45);

test('every kept fuzz regression input ends in a volume or a LobuleError within 10 s of CPU and 1 GiB', { timeout: 600_000 }, async () => {
  const corpus = loadCorpus();
  const scratch = await mkdtemp(join(tmpdir(), 'lobule-replay-'));
  const worker = new FuzzWorker(scratch);
  const bad: string[] = [];
  try {
    for (const entry of corpus) {
      const r = await worker.run(entry.input);
      if (isFailure(r) || (r.cpuMs ?? 0) > INPUT_TIMEOUT_MS || r.peakRssBytes > MEMORY_CAP_BYTES) {
        bad.push(`${entry.name} (found as ${entry.finding.kind}): now ${r.kind} ${r.code ?? ''} ${r.message ?? ''}`.slice(0, 400));
      }
    }
  } finally {
    worker.close();
    await rm(scratch, { recursive: true, force: true });
  }
  assert.deepEqual(bad, [], `${bad.length} of ${corpus.length} regression inputs fail`);
});

test(`fuzzing every reader for ${SECONDS} s finds no exception other than LobuleError, no hang and no memory blow-up`, {
  timeout: (SECONDS + 300) * 1000,
}, async () => {
  const stats = await fuzz({ seconds: SECONDS, seed: 15 });
  assert.ok(stats.tried >= Math.max(1, Math.floor(SECONDS / 3)), `only ${stats.tried} inputs ran`);
  assert.deepEqual(
    stats.failures.map((f) => `${f.target} ${f.kind}: ${f.message} (saved as ${f.saved})`),
    [],
  );
});

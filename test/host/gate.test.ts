/** The host's readers–writer gate: shared calls overlap; an exclusive one waits for them and holds new ones back. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ExclusiveGate } from '../../host/gate.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

it('runs shared calls together, an exclusive one alone, in arrival order', async () => {
  const gate = new ExclusiveGate();
  const log: string[] = [];
  const a = deferred();
  const b = deferred();
  const x = deferred();
  const s1 = gate.shared(async () => {
    log.push('s1 start');
    await a.promise;
    log.push('s1 end');
  });
  const s2 = gate.shared(async () => {
    log.push('s2 start');
    await b.promise;
    log.push('s2 end');
  });
  const ex = gate.exclusive(async () => {
    log.push('x start');
    await x.promise;
    log.push('x end');
  });
  await new Promise((r) => setImmediate(r));
  const s3 = gate.shared(async () => void log.push('s3'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, ['s1 start', 's2 start']);
  a.resolve();
  b.resolve();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log.slice(2), ['s1 end', 's2 end', 'x start']);
  x.resolve();
  await Promise.all([s1, s2, ex, s3]);
  assert.deepEqual(log.slice(5), ['x end', 's3']);
});

it('releases the gate when the exclusive call throws', async () => {
  const gate = new ExclusiveGate();
  await assert.rejects(
    gate.exclusive(async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await gate.shared(async () => 42), 42);
  assert.equal(await gate.exclusive(async () => 7), 7);
});

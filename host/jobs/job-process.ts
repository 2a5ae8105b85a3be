/**
 * Entry of one job's child process (forked by runner.ts). Runs exactly one job, then exits: a crash, an
 * out-of-memory abort or a kill of this process costs the job, never the host or the workspace (the host
 * writes the workspace; jobs only read it and hand results back).
 */
import { serializeError } from '../../engine/errors.js';
import { loadJobFunction } from './kinds.js';
import type { HostToJob, JobIO, JobToHost } from './protocol.js';
import { onParentGone, onParentMessage, sendToParent } from './parent-channel.js';

function send(message: JobToHost): Promise<void> {
  return sendToParent(message);
}

const controller = new AbortController();
let started = false;

async function run(message: Extract<HostToJob, { type: 'start' }>): Promise<void> {
  const io: JobIO = {
    signal: controller.signal,
    progress: (fraction, stage) => void send({ type: 'progress', fraction, stage }),
    metric: (m) => void send({ type: 'metric', ...m }),
    log: (line) => void send({ type: 'log', line }),
  };
  try {
    const fn = await loadJobFunction(message.kind);
    const value = await fn(message.params, message.context, io);
    await send({ type: 'result', value });
  } catch (e) {
    await send({ type: 'error', error: serializeError(e) });
  }
  process.disconnect?.();
  process.exit(0);
}

onParentMessage((message) => {
  const raw = message as HostToJob;
  if (raw.type === 'cancel') controller.abort();
  else if (raw.type === 'start' && !started) {
    started = true;
    void run(raw);
  }
});
// Ctrl-C in a terminal reaches the whole process group. The host then cancels this job through its message
// (or by disconnecting), which lets the job write its cancel checkpoint; dying on the signal itself would lose it.
process.on('SIGINT', () => undefined);
// The host going away (closed window, killed server) ends the job too.
onParentGone(() => {
  controller.abort();
  setTimeout(() => process.exit(0), 2000).unref();
});
void send({ type: 'ready' });

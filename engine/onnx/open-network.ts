/**
 * One way to open a model for inference, on this thread or on a worker, with THE session factory and device policy
 * either way (the worker calls createSession too). Off the thread is for jobs that must stop within a second:
 * onnxruntime-node's run blocks its JS thread until the run ends, so an abort could otherwise not be seen.
 */
import { OffThreadSession } from './off-thread-session.js';
import { createSession, type Device, type Provider, type SessionOptions } from './session-factory.js';
import type { Network } from './network.js';

export interface NetworkOptions extends SessionOptions {
  /** Run on a worker thread; a run then rejects with E_CANCELLED as soon as `signal` aborts. */
  readonly offThread?: boolean;
  readonly signal?: AbortSignal;
}

export async function openNetwork(
  model: Uint8Array,
  device: Device,
  options: NetworkOptions = {},
): Promise<{ network: Network; provider: Provider }> {
  const { offThread, signal, ...session } = options;
  if (!offThread) {
    const made = await createSession(model, device, session);
    return { network: made.session, provider: made.provider };
  }
  const worker = await OffThreadSession.create(model, device, { ...session, signal });
  return { network: worker.network(signal), provider: worker.provider };
}

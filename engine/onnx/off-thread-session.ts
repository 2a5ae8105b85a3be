/**
 * An ONNX Runtime session on a worker thread. onnxruntime-node runs a session synchronously on the calling JS
 * thread (measured here: a 45 s run froze the event loop for 44.5 s), so a training step could not see a Stop
 * until it ended. On a worker, the owner's thread stays free: `run` can be abandoned the moment its signal aborts
 * (the step's result is dropped; the worker finishes it in the background and is released after it).
 */
import { Worker } from 'node:worker_threads';
import { cancelledError, LobuleError, type SerializedError } from '../errors.js';
import { logFallbackOnce, type Device, type Provider } from './session-factory.js';
import type { Network } from './network.js';
import * as ort from './ort.js';
import type { FromWorker, ToWorker, ValueMetadata, WireData, WireTensor } from './off-thread-protocol.js';

export type { WireTensor } from './off-thread-protocol.js';

const EXT = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
const WORKER_ENTRY = new URL(`./off-thread-worker${EXT}`, import.meta.url);

function startWorker(): Worker {
  if (EXT === '.js') return new Worker(WORKER_ENTRY);
  // From sources (tests, `node --import tsx`): Node 20 does not carry loader hooks into worker threads, so the
  // worker registers tsx itself before it loads the entry.
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_ENTRY.href)}); })`;
  return new Worker(load, { eval: true });
}

export interface OffThreadOptions {
  readonly threads?: number;
  readonly purpose?: string;
  readonly label?: string;
  readonly log?: (line: string) => void;
  /** Aborting while the worker starts and makes its session ends it and rejects with E_CANCELLED at once. */
  readonly signal?: AbortSignal;
}

/** The model's input and output names and input shapes, as the worker's session reports them. */
interface SessionIo {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
}

function revive(e: SerializedError): LobuleError {
  const message = e.hint && e.message.endsWith(`. ${e.hint}`) ? e.message.slice(0, -e.hint.length - 2) : e.message;
  return new LobuleError(e.code, message, e.hint);
}

export class OffThreadSession {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (o: Record<string, WireTensor>) => void; reject: (e: Error) => void }>();
  private released: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    /** The execution provider the session actually runs on. */
    readonly provider: Provider,
    /** What a run is, in the error a Stop gives ("training was cancelled"). */
    private readonly purpose: string,
    private readonly io: SessionIo,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'result') this.settle(m.id, (p) => p.resolve(m.outputs));
      else if (m.type === 'failed' && m.id !== null) this.settle(m.id, (p) => p.reject(revive(m.error)));
    });
    // An idle session does not keep its process alive (as a session on the main thread would not); a run does.
    worker.unref();
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', () => this.failAll(new LobuleError('E_INTERNAL', 'the ONNX Runtime worker thread ended')));
  }

  static create(model: Uint8Array, device: Device, options: OffThreadOptions = {}): Promise<OffThreadSession> {
    const { log, signal, ...rest } = options;
    const purpose = options.purpose ?? 'the model run';
    if (signal?.aborted) return Promise.reject(cancelledError(purpose));
    const worker = startWorker();
    return new Promise((resolve, reject) => {
      // Starting a worker and making a big session takes seconds on a loaded machine: a Stop does not wait for it.
      const onAbort = () => {
        worker.off('exit', onExit);
        void worker.terminate();
        reject(cancelledError(purpose));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const onMessage = (m: FromWorker) => {
        if (m.type === 'log') logFallbackOnce(log, m.line);
        else if (m.type === 'created') {
          signal?.removeEventListener('abort', onAbort);
          worker.off('exit', onExit);
          const { inputNames, outputNames, inputMetadata } = m;
          resolve(new OffThreadSession(worker, m.provider, purpose, { inputNames, outputNames, inputMetadata }));
        } else if (m.type === 'failed' && m.id === null) {
          signal?.removeEventListener('abort', onAbort);
          worker.off('message', onMessage);
          void worker.terminate();
          reject(revive(m.error));
        }
      };
      const onExit = (code: number) =>
        reject(new LobuleError('E_INTERNAL', `the ONNX Runtime worker thread exited (code ${code}) before its session was made`));
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.postMessage({ type: 'create', model, device, ...rest } satisfies ToWorker);
    });
  }

  /** Runs the session on the worker; rejects with E_CANCELLED as soon as `signal` aborts. Feeds are copied. */
  run(feeds: Record<string, WireTensor>, signal?: AbortSignal): Promise<Record<string, WireTensor>> {
    if (this.released) return Promise.reject(new LobuleError('E_INTERNAL', 'the session was released'));
    if (signal?.aborted) return Promise.reject(cancelledError(this.purpose));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.settle(id, (p) => p.reject(cancelledError(this.purpose)));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (o) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(o);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      this.worker.ref();
      this.worker.postMessage({ type: 'run', id, feeds } satisfies ToWorker);
    });
  }

  /**
   * This session as a Network: inference (the sliding window) runs it as it runs a session on its own thread, but
   * each run is abandoned the moment `signal` aborts, and then release() does not wait for the run in flight.
   */
  network(signal?: AbortSignal): Network {
    return {
      ...this.io,
      run: async (feeds) => {
        const wire: Record<string, WireTensor> = {};
        for (const [name, t] of Object.entries(feeds))
          wire[name] = { type: t.type as WireTensor['type'], data: t.data as WireData, dims: t.dims };
        const out = await this.run(wire, signal);
        return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]));
      },
      release: () => {
        const released = this.release();
        return signal?.aborted ? Promise.resolve() : released;
      },
    };
  }

  /**
   * Frees the session once the worker is idle. Does not wait for an abandoned run: a process that must end at
   * once (a stopped job) cannot exit while ONNX Runtime computes, so its host ends it by signal instead.
   */
  release(): Promise<void> {
    this.released ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      if (this.pending.size === 0) this.worker.ref(); // until it has freed the session; an abandoned run is not waited for
      this.worker.postMessage({ type: 'release' } satisfies ToWorker);
    });
    return this.released;
  }

  private settle(id: number, how: (p: { resolve: (o: Record<string, WireTensor>) => void; reject: (e: Error) => void }) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    how(p);
  }

  private failAll(e: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(e));
  }
}

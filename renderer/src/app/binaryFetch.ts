/**
 * The page's BinaryFetch for `lobule serve`: volumes are received in a worker (binaryFetchWorker.ts says why). If
 * the worker cannot start, binary reads fall back to fetch on the main thread: slower, never broken.
 */
import { fetchOnThisThread, type BinaryFetch, type BinaryResponse } from '../../../engine/api/http-client.js';
import type { BinaryFetchReply, BinaryFetchRequest } from './binaryFetchProtocol.js';

export function workerBinaryFetch(): BinaryFetch {
  let worker: Worker | null = null;
  let broken = false;
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: BinaryResponse) => void; reject: (e: Error) => void }>();

  const start = (): Worker => {
    const w = new Worker(new URL('./binaryFetchWorker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<BinaryFetchReply>): void => {
      const reply = e.data;
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if ('error' in reply) waiting?.reject(new TypeError(reply.error));
      else waiting?.resolve({ status: reply.status, body: reply.body });
    };
    w.onerror = (e): void => {
      broken = true;
      w.terminate();
      worker = null;
      for (const { reject } of pending.values()) reject(new TypeError(`the volume download worker failed: ${e.message}`));
      pending.clear();
    };
    return w;
  };

  return async (url, headers) => {
    if (broken) return fetchOnThisThread(url, headers);
    worker ??= start();
    const id = nextId++;
    const request: BinaryFetchRequest = { id, url, headers };
    const w = worker;
    return new Promise<BinaryResponse>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage(request);
    });
  };
}

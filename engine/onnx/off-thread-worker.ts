/**
 * The worker thread behind off-thread-session.ts: one ONNX Runtime session, made by THE session factory (same
 * device policy), running whatever the owning thread sends. Its runs block only this thread.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from './ort.js';
import { createSession } from './session-factory.js';
import { serializeError } from '../errors.js';
import type { FromWorker, ToWorker, ValueMetadata, WireData, WireTensor } from './off-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('off-thread-worker.ts runs only as a worker thread');
let session: ort.InferenceSession | null = null;
const send = (m: FromWorker, transfer: ArrayBuffer[] = []): void => {
  try {
    port.postMessage(m, transfer);
  } catch {
    port.postMessage(m); // a buffer ORT owns cannot be transferred: then it is copied
  }
};

port.on('message', async (m: ToWorker) => {
  if (m.type === 'create') {
    try {
      const made = await createSession(m.model, m.device, {
        threads: m.threads,
        purpose: m.purpose,
        label: m.label,
        log: (line) => send({ type: 'log', line }),
      });
      session = made.session;
      const { inputNames, outputNames } = session;
      const inputMetadata = session.inputMetadata.map(
        (m): ValueMetadata =>
          m.isTensor ? { name: m.name, isTensor: true, type: m.type, shape: [...m.shape] } : { name: m.name, isTensor: false },
      );
      send({ type: 'created', provider: made.provider, inputNames: [...inputNames], outputNames: [...outputNames], inputMetadata });
    } catch (e) {
      send({ type: 'failed', id: null, error: serializeError(e) });
    }
  } else if (m.type === 'run') {
    try {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
      const out = await session!.run(feeds);
      const outputs: Record<string, WireTensor> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, t] of Object.entries(out)) {
        const data = t.data as WireData;
        outputs[name] = { type: t.type as WireTensor['type'], data, dims: t.dims };
        if (data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) transfer.push(data.buffer);
      }
      send({ type: 'result', id: m.id, outputs }, transfer);
    } catch (e) {
      send({ type: 'failed', id: m.id, error: serializeError(e) });
    }
  } else if (m.type === 'release') {
    await session?.release();
    session = null;
    port.close(); // the thread then ends: its exit is what release() waits for
  }
});

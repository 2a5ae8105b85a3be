/**
 * Messages between an off-thread session (off-thread-session.ts) and its worker (off-thread-worker.ts). Tensors
 * cross as plain typed arrays and dims: ort.Tensor objects do not survive structured cloning.
 */
import type { Device, Provider } from './session-factory.js';
import type { SerializedError } from '../errors.js';
import type { InferenceSession } from './ort.js';

export type WireData = Float32Array | Int32Array | Uint8Array | BigInt64Array;

export interface WireTensor {
  readonly type: 'float32' | 'int32' | 'uint8' | 'int64';
  readonly data: WireData;
  readonly dims: readonly number[];
}

/** An input's metadata as ONNX Runtime gives it, copied into a plain object so it can be posted. */
export type ValueMetadata = InferenceSession.ValueMetadata;

export type ToWorker =
  | {
      readonly type: 'create';
      readonly model: Uint8Array;
      readonly device: Device;
      readonly threads?: number;
      readonly purpose?: string;
      readonly label?: string;
    }
  | { readonly type: 'run'; readonly id: number; readonly feeds: Record<string, WireTensor> }
  | { readonly type: 'release' };

export type FromWorker =
  | {
      readonly type: 'created';
      readonly provider: Provider;
      readonly inputNames: readonly string[];
      readonly outputNames: readonly string[];
      readonly inputMetadata: readonly ValueMetadata[];
    }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'result'; readonly id: number; readonly outputs: Record<string, WireTensor> }
  | { readonly type: 'failed'; readonly id: number | null; readonly error: SerializedError };

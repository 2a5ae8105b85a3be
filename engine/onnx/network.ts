/**
 * What inference needs of a network: its input and output names, the first input's shape (a fixed window size is
 * checked before any run) and `run`. An ONNX Runtime session is one; OffThreadSession.network() is the same session
 * on a worker thread, for callers that must be able to stop in the middle of a run (a training job's validation).
 */
import type * as ort from './ort.js';

export interface Network {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly ort.InferenceSession.ValueMetadata[];
  run(feeds: Record<string, ort.Tensor>): Promise<Readonly<Record<string, ort.Tensor>>>;
  release(): Promise<void>;
}

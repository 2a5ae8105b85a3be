/**
 * The one entry to ONNX Runtime in Lobule: onnxruntime-node, loaded only after its telemetry is switched off
 * (see no-telemetry.ts). Import `* as ort` from here, never from 'onnxruntime-node' directly.
 */
import './no-telemetry.js';

export * from 'onnxruntime-node';

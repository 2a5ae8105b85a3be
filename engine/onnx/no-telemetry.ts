/**
 * onnxruntime-node 1.29+ on Linux/macOS starts Microsoft's 1DS telemetry when it creates its environment (it
 * writes /tmp/mat-debug-<pid>.log and tries to upload usage events). A workstation that holds patient scans must
 * not phone home, so Lobule sets ORT's documented opt-out before ONNX Runtime is loaded. A user who exported
 * ORT_DISABLE_TELEMETRY themselves keeps their value.
 *
 * Its own module because ES imports are evaluated in order: importing this first makes the assignment run
 * before onnxruntime-node's native module initialises. Child processes and workers inherit the variable.
 */
process.env.ORT_DISABLE_TELEMETRY ??= '1';
export {};

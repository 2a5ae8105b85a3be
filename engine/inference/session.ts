/** Inference's name for the one session factory and device policy (engine/onnx/session-factory.ts). */
export { createSession, providerInstalled, DEVICES, type CreatedSession, type Device, type Provider, type SessionOptions } from '../onnx/session-factory.js';

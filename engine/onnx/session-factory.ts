/**
 * THE ONNX Runtime session factory and device policy, for inference, validation and training alike. `auto` tries
 * the platform's GPU provider (CUDA on Linux, DirectML on Windows, CoreML on macOS) and falls back to CPU with
 * one logged line (once per process and provider); naming a provider explicitly makes its failure an error that
 * names the device and the fix, so a user who asked for the GPU learns it is not used. Callers record the
 * provider that was actually used (`CreatedSession.provider`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from './ort.js';
import { LobuleError } from '../errors.js';

export type Device = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
export type Provider = 'cpu' | 'cuda' | 'dml' | 'coreml';
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

export interface CreatedSession {
  readonly session: ort.InferenceSession;
  readonly provider: Provider;
}

export interface SessionOptions {
  /** Where the one fallback line goes (default console.error). */
  readonly log?: (line: string) => void;
  readonly threads?: number;
  /** How errors name the model (e.g. its file path) when it is given as bytes. */
  readonly label?: string;
  /** What the session is for, in errors ("training", "validation"); default running the model. */
  readonly purpose?: string;
}

/** Fallback lines already written, per log sink: a training run opens many sessions, the user reads it once. */
const fallbacksLogged = new WeakMap<(line: string) => void, Set<string>>();
const consoleLog = (line: string): void => console.error(line);

/**
 * A fallback line that a session made on another thread (off-thread-session.ts) reports: written once per log
 * sink of THIS thread, as if the session had been made here.
 */
export function logFallbackOnce(log: ((line: string) => void) | undefined, line: string): void {
  logOnce(log ?? consoleLog, line, line);
}

function logOnce(log: (line: string) => void, key: string, line: string): void {
  const seen = fallbacksLogged.get(log) ?? new Set<string>();
  fallbacksLogged.set(log, seen);
  if (seen.has(key)) return;
  seen.add(key);
  log(line);
}

function gpuProviderFor(platform: NodeJS.Platform): Provider | undefined {
  if (platform === 'linux') return 'cuda';
  if (platform === 'win32') return 'dml';
  if (platform === 'darwin') return 'coreml';
  return undefined;
}

const SETUP_HINT: Record<Exclude<Provider, 'cpu'>, string> = {
  cuda: 'CUDA needs an NVIDIA GPU and `npm run setup:gpu` on Linux; use --device cpu or auto',
  dml: 'DirectML is available on Windows only; use --device cpu or auto',
  coreml: 'CoreML is available on macOS only; use --device cpu or auto',
};

/**
 * Whether onnxruntime-node can load the provider at all. The CUDA provider is a separate shared library that
 * `npm run setup:gpu` installs next to ORT's binding; checking for it first keeps ORT from printing a
 * multi-line load failure on every CPU-only Linux machine. DirectML and CoreML ship inside the binding.
 */
export function providerInstalled(provider: Provider): boolean {
  if (provider === 'cpu') return true;
  if (provider === 'dml') return process.platform === 'win32';
  if (provider === 'coreml') return process.platform === 'darwin';
  try {
    const binding = join(
      dirname(createRequire(import.meta.url).resolve('onnxruntime-node')),
      '..',
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
    return existsSync(join(binding, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

async function open(model: Uint8Array | string, provider: Provider, threads: number): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider === 'dml' ? 'dml' : provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  };
  return typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);
}

function describe(model: Uint8Array | string, label?: string): string {
  return label ?? (typeof model === 'string' ? model : 'the model');
}

export async function createSession(
  model: Uint8Array | string,
  device: Device = 'auto',
  options: SessionOptions = {},
): Promise<CreatedSession> {
  if (!DEVICES.includes(device)) {
    throw new LobuleError('E_INVALID_ARGUMENT', `unknown device "${device}"`, `Use one of ${DEVICES.join(', ')}`);
  }
  const threads = options.threads ?? availableParallelism();
  const log = options.log ?? consoleLog;
  const wanted: Provider | undefined = device === 'auto' ? gpuProviderFor(process.platform) : device;
  if (wanted && wanted !== 'cpu' && !providerInstalled(wanted)) {
    if (device !== 'auto')
      throw new LobuleError(
        'E_UNSUPPORTED',
        `device '${wanted}' was asked for ${options.purpose ?? 'this model'}, but the ${wanted} execution provider is not available ` +
          `on this machine`,
        SETUP_HINT[wanted],
      );
    logOnce(log, `missing:${wanted}`, `lobule: no ${wanted} execution provider installed (${SETUP_HINT[wanted].split(';')[0]}); using CPU`);
  } else if (wanted && wanted !== 'cpu') {
    try {
      return { session: await open(model, wanted, threads), provider: wanted };
    } catch (e) {
      if (device !== 'auto') {
        throw new LobuleError(
          'E_UNSUPPORTED',
          `device '${wanted}' cannot run ${options.purpose ?? describe(model, options.label)}: ${(e as Error).message.split('\n')[0]}`,
          SETUP_HINT[wanted],
          { cause: e },
        );
      }
      logOnce(
        log,
        `failed:${wanted}`,
        `lobule: ${wanted} execution provider unavailable (${(e as Error).message.split('\n')[0]}); using CPU`,
      );
    }
  }
  try {
    return { session: await open(model, 'cpu', threads), provider: 'cpu' };
  } catch (e) {
    throw new LobuleError(
      'E_CORRUPT',
      `ONNX Runtime cannot load ${describe(model, options.label)}: ${(e as Error).message.split('\n')[0]}`,
      'Reinstall the model package or export it again',
      { cause: e },
    );
  }
}

/**
 * The fuzz worker process: runs one input at a time through its reader and reports how it ended and the peak
 * memory of that run. The parent (pool.ts) kills it on a hang (10 s) or when its memory passes the cap, and
 * starts a new one, so one bad input can never take the fuzzer down or hide the next input's result.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { LobuleError } from '../../engine/errors.js';
import { validateVolume } from '../../engine/io/validate.js';
import { readTarget } from './readers.js';
import type { TargetName } from './targets.js';

export interface WorkRequest {
  readonly id: number;
  readonly target: TargetName;
  readonly path: string;
}

export type OutcomeKind = 'ok' | 'lobule' | 'other' | 'invalid-output' | 'hang' | 'memory' | 'crash';

export interface WorkReply {
  readonly id: number;
  readonly kind: OutcomeKind;
  /** Error code (lobule), constructor name (other) or reason. */
  readonly code?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly ms: number;
  /** CPU time of this input in the worker (user + system), ms. */
  readonly cpuMs?: number;
  readonly peakRssBytes: number;
}

/** Linux: writing 5 to clear_refs resets VmHWM, so the peak after a run is that run's peak. */
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: the peak then covers the whole process, which only overstates
  }
}

function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function run(req: WorkRequest): Promise<Omit<WorkReply, 'id' | 'ms' | 'peakRssBytes'>> {
  let volume;
  try {
    volume = await readTarget(req.target, req.path);
  } catch (e) {
    if (e instanceof LobuleError) return { kind: 'lobule', code: e.code, message: e.message };
    const err = e instanceof Error ? e : undefined;
    return { kind: 'other', code: err?.constructor?.name ?? typeof e, message: err?.message ?? String(e), stack: err?.stack };
  }
  try {
    validateVolume(volume, { file: req.path });
    return { kind: 'ok' };
  } catch (e) {
    return { kind: 'invalid-output', message: e instanceof Error ? e.message : String(e) };
  }
}

function fatal(e: unknown): void {
  const err = e instanceof Error ? e : undefined;
  process.send?.({
    id: current,
    kind: 'crash',
    code: err?.constructor?.name,
    message: err?.message ?? String(e),
    stack: err?.stack,
    ms: 0,
    peakRssBytes: peakRss(),
  });
  process.exit(70);
}

let current = -1;
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
process.on('message', (req: WorkRequest) => {
  current = req.id;
  gc?.();
  resetPeak();
  const started = performance.now();
  const cpu = process.cpuUsage();
  void run(req).then((r) => {
    const used = process.cpuUsage(cpu);
    const reply: WorkReply = {
      id: req.id,
      ...r,
      ms: performance.now() - started,
      cpuMs: (used.user + used.system) / 1000,
      peakRssBytes: peakRss(),
    };
    process.send?.(reply);
  });
});
process.send?.({ ready: true });

/**
 * Parent side of the fuzzer: a worker process (worker.ts) runs the inputs one at a time; this side enforces the
 * limits the issue sets for every input (10 s, and a memory cap checked every 50 ms from /proc) by killing the
 * worker, and restarts it for the next input.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { materialize, type FuzzInput } from './targets.js';
import type { WorkReply, WorkRequest } from './worker.js';

/** A hang: 10 s of CPU time (what the issue measures on an idle machine), or 60 s of wall time (blocked on I/O). */
export const INPUT_TIMEOUT_MS = 10_000;
const WALL_TIMEOUT_MS = 60_000;
const CLOCK_TICKS_PER_S = 100;
export const MEMORY_CAP_BYTES = 1024 ** 3;
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) of a process in ms, from /proc; 0 where /proc is missing. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}

export class FuzzWorker {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;

  constructor(private readonly scratch: string) {}

  private start(): Promise<void> {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m?.ready) {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`fuzz worker exited (${code}) before it was ready`)));
    });
    return this.ready;
  }

  /** Runs one input in the worker; never throws for anything the input does. */
  async run(input: FuzzInput): Promise<WorkReply> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) await this.start();
    else await this.ready;
    const child = this.child as ChildProcess;
    const id = this.nextId++;
    const dir = join(this.scratch, `in-${id}`);
    const path = await materialize(input, dir);
    const started = Date.now();
    try {
      return await new Promise<WorkReply>((resolve) => {
        let peak = 0;
        const done = (reply: WorkReply, kill: boolean) => {
          clearTimeout(timer);
          clearInterval(poll);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (kill) {
            child.kill('SIGKILL');
            this.child = null;
          }
          resolve(reply);
        };
        const onMessage = (m: WorkReply) => {
          if (m.id !== id) return;
          const peakRssBytes = Math.max(m.peakRssBytes, peak);
          // a spike between two polls still counts: the worker measured its own peak
          if (peakRssBytes > MEMORY_CAP_BYTES && !isFailure(m)) {
            done(
              {
                ...m,
                kind: 'memory',
                message: `peak memory ${peakRssBytes} bytes (after ${m.kind}: ${m.message ?? 'a volume'})`,
                peakRssBytes,
              },
              true,
            );
          } else done({ ...m, peakRssBytes }, m.kind === 'crash');
        };
        const onExit = (code: number | null, signal: string | null) =>
          done(
            {
              id,
              kind: 'crash',
              code: String(signal ?? code),
              message: `worker died (${signal ?? code})`,
              ms: Date.now() - started,
              peakRssBytes: peak,
            },
            false,
          );
        // CPU time rather than wall time: on a loaded machine (other test suites, other fuzz lanes) a slow but
        // finite decode must not count as a hang
        const cpuAtStart = cpuMsOf(child.pid as number);
        const timer = setTimeout(
          () =>
            done(
              {
                id,
                kind: 'hang',
                message: `no result after ${WALL_TIMEOUT_MS} ms of wall time`,
                ms: Date.now() - started,
                peakRssBytes: peak,
              },
              true,
            ),
          WALL_TIMEOUT_MS,
        );
        const poll = setInterval(() => {
          const cpu = cpuMsOf(child.pid as number) - cpuAtStart;
          if (cpu > INPUT_TIMEOUT_MS)
            return done(
              {
                id,
                kind: 'hang',
                message: `no result after ${Math.round(cpu)} ms of CPU time`,
                ms: Date.now() - started,
                peakRssBytes: peak,
              },
              true,
            );
          peak = Math.max(peak, rssOf(child.pid as number));
          if (peak > MEMORY_CAP_BYTES)
            done(
              {
                id,
                kind: 'memory',
                message: `worker memory passed ${MEMORY_CAP_BYTES} bytes`,
                ms: Date.now() - started,
                peakRssBytes: peak,
              },
              true,
            );
        }, 50);
        child.on('message', onMessage);
        child.once('exit', onExit);
        const request: WorkRequest = { id, target: input.target, path };
        child.send(request);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  close(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}

/** Kinds that are bugs: anything but a returned, valid volume or a LobuleError. */
export function isFailure(r: WorkReply): boolean {
  return r.kind !== 'ok' && r.kind !== 'lobule';
}

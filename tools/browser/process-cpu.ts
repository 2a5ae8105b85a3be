/**
 * CPU time of the Chromium processes a test or benchmark started (user + system, all its processes and threads,
 * SwiftShader's included), from /proc. Unlike wall time it barely moves when other work loads the machine, so it
 * is the figure to compare across runs on a shared machine (../shared/notes/measuring-frames.md).
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // Linux USER_HZ is 100 on every platform Node supports (getconf CLK_TCK)

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // the process ended meanwhile
  }
}

/** Pids of this process's descendants whose command line names Chromium. Empty where /proc does not exist. */
export function chromiumPids(root = process.pid): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const d of entries) {
    const parent = Number(statFields(Number(d))?.[1]);
    if (Number.isFinite(parent)) children.set(parent, [...(children.get(parent) ?? []), Number(d)]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      queue.push(child);
      try {
        if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('chrom')) out.push(child);
      } catch {
        // ended meanwhile
      }
    }
  }
  return out;
}

/** Total CPU ms (user + system) used so far by `pids`. */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_MS;
}

/** Helpers shared by the benchmarks. */
import { readFileSync } from 'node:fs';

/** Peak resident set size of this process so far, in bytes (Linux VmHWM; falls back to current RSS). */
export function peakRssBytes(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

export function printBench(record: { bench: string } & Record<string, unknown>): void {
  console.log(JSON.stringify(record));
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

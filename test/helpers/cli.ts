/**
 * `lobule` run in-process with what it prints captured: the CLI tests check exit codes and messages without a
 * child process per call, and the progress a command writes to stderr does not clutter the test output.
 */
import { runCli } from '../../cli/main.js';

export interface CapturedRun {
  readonly code: number;
  /** console.log lines. */
  readonly out: string[];
  /** console.error lines and raw stderr writes (progress). */
  readonly err: string[];
}

export async function runCliCaptured(argv: string[]): Promise<CapturedRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  const write = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: await runCli(argv), out, err };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}

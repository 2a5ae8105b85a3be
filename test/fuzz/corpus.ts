/**
 * Regression inputs: every failure the fuzzer finds is kept under test/fuzz/corpus/<target>-<hash>/ (the input's
 * files and finding.json saying what went wrong when it was found), and fuzz.test.ts replays them all.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzInput, TargetName } from './targets.js';
import type { WorkReply } from './worker.js';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
const FINDING = 'finding.json';

export interface Finding {
  readonly target: TargetName;
  readonly entry: string;
  readonly seed: string;
  readonly kind: WorkReply['kind'];
  readonly code?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly found: string;
}

export function inputHash(input: FuzzInput): string {
  const h = createHash('sha256');
  for (const f of input.files) h.update(f.name).update('\0').update(f.bytes);
  return h.digest('hex').slice(0, 12);
}

/** Saves a failing input (once per content); returns its folder. */
export async function saveFinding(input: FuzzInput, reply: WorkReply, seed: string): Promise<string> {
  const dir = join(CORPUS_DIR, `${input.target}-${inputHash(input)}`);
  if (existsSync(dir)) return dir;
  await mkdir(dir, { recursive: true });
  for (const f of input.files) await writeFile(join(dir, f.name), f.bytes);
  const finding: Finding = {
    target: input.target,
    entry: input.entry,
    seed,
    kind: reply.kind,
    code: reply.code,
    message: reply.message?.slice(0, 2000),
    stack: reply.stack?.split('\n').slice(0, 8).join('\n'),
    found: new Date().toISOString(),
  };
  await writeFile(join(dir, FINDING), JSON.stringify(finding, null, 2) + '\n');
  return dir;
}

export interface CorpusEntry {
  readonly name: string;
  readonly input: FuzzInput;
  readonly finding: Finding;
}

/** Every kept regression input. */
export function loadCorpus(): CorpusEntry[] {
  if (!existsSync(CORPUS_DIR)) return [];
  const out: CorpusEntry[] = [];
  for (const name of readdirSync(CORPUS_DIR).sort()) {
    const dir = join(CORPUS_DIR, name);
    if (!existsSync(join(dir, FINDING))) continue;
    const finding = JSON.parse(readFileSync(join(dir, FINDING), 'utf8')) as Finding;
    const files = readdirSync(dir)
      .filter((f) => f !== FINDING)
      .sort()
      .map((f) => ({ name: f, bytes: readFileSync(join(dir, f)) }));
    out.push({ name, finding, input: { target: finding.target, entry: finding.entry, files } });
  }
  return out;
}

/**
 * How an import went, in words that tell the truth: a run where files failed is a partial or failed import
 * (each file with its reason), never "Import finished"; counts are grammatical.
 */
import type { ImportResult } from '../../../engine/api/contract.js';

export type ImportOutcome = 'ok' | 'partial' | 'failed' | 'question';

export interface ImportSummary {
  readonly outcome: ImportOutcome;
  readonly title: string;
}

export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export function summarizeImport(r: ImportResult): ImportSummary {
  const ok = r.imported.length;
  const failed = r.skipped.length;
  const held = r.looksLikeLabel?.length ?? 0;
  const parts = [`${count(ok, 'case')} imported`];
  if (failed) parts.push(`${count(failed, 'file')} failed`);
  if (held) parts.push(`${count(held, 'file')} ${held === 1 ? 'looks' : 'look'} like a label map`);
  const title = parts.join(', ');
  if (failed && ok === 0 && held === 0) return { outcome: 'failed', title: `Import failed: ${title}` };
  if (failed) return { outcome: 'partial', title: `Import partly failed: ${title}` };
  if (held) return { outcome: 'question', title };
  return { outcome: 'ok', title };
}

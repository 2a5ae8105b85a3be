/**
 * Label maps applied at import: `2:1` merges tumour into liver (MSD Task03, as the liver study did);
 * `5:1,*:0` keeps only TotalSegmentator's liver (5) as 1 and clears every other class.
 * Syntax: comma-separated `FROM:TO` pairs of integers 0..255; `*:TO` sets what every unlisted value becomes
 * (without it unlisted values are kept as they are).
 */
import { LobuleError } from '../errors.js';

export interface LabelMap {
  readonly pairs: ReadonlyMap<number, number>;
  /** What values not in `pairs` become: 'keep' or a fixed value. */
  readonly others: 'keep' | number;
}

function labelValue(text: string, spec: string): number {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim()) || v > 255) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `label map '${spec}': '${text}' is not a label value 0..255`,
      "Write pairs like '2:1' or '5:1,*:0'",
    );
  }
  return v;
}

/** Parses `2:1`, `1:1,2:1`, `5:1,*:0`. @throws LobuleError E_INVALID_ARGUMENT naming the bad part. */
export function parseLabelMap(spec: string): LabelMap {
  const pairs = new Map<number, number>();
  let others: 'keep' | number = 'keep';
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    const m = /^([^:]+):([^:]+)$/.exec(part);
    if (!m)
      throw new LobuleError('E_INVALID_ARGUMENT', `label map '${spec}': '${part}' is not FROM:TO`, "Write pairs like '2:1' or '5:1,*:0'");
    const to = labelValue(m[2], spec);
    if (m[1].trim() === '*') others = to;
    else {
      const from = labelValue(m[1], spec);
      if (pairs.has(from)) throw new LobuleError('E_INVALID_ARGUMENT', `label map '${spec}' maps ${from} twice`);
      pairs.set(from, to);
    }
  }
  if (pairs.size === 0 && others === 'keep')
    throw new LobuleError('E_INVALID_ARGUMENT', `label map '${spec}' has no pairs`, "Write pairs like '2:1' or '5:1,*:0'");
  return { pairs, others };
}

/** Accepts the structured form or a plain Map (unlisted values kept). */
export function toLabelMap(m: LabelMap | ReadonlyMap<number, number>): LabelMap {
  return 'pairs' in m ? (m as LabelMap) : { pairs: m as ReadonlyMap<number, number>, others: 'keep' };
}

export function formatLabelMap(m: LabelMap): string {
  const parts = [...m.pairs].map(([a, b]) => `${a}:${b}`);
  if (m.others !== 'keep') parts.push(`*:${m.others}`);
  return parts.join(',');
}

/** A 256-entry lookup table, so mapping a volume is one pass with no branching. */
export function labelLut(m: LabelMap): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = m.pairs.get(v) ?? (m.others === 'keep' ? v : m.others);
  return lut;
}

/** Returns a new array with the map applied. */
export function applyLabelMap(data: Uint8Array, m: LabelMap): Uint8Array {
  const lut = labelLut(m);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lut[data[i]];
  return out;
}

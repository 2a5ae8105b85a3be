/**
 * A disk cache of preprocessed cases, so a run (and the next run with the same preprocessing) resamples each
 * volume once, and training holds only the few cases it is sampling from in RAM, never the whole dataset.
 *
 * Key = sha256 of (image content hash, label content hash, preprocessing configuration as canonical JSON):
 * editing a label or changing spacing/clip/label map gives a new key; nothing is ever reused stale.
 * Each entry is `<key>.json` (dims, foreground count), `<key>.img.f32`, `<key>.lbl.u8`, `<key>.fg.i32`,
 * written to temporary names and renamed, so a crash never leaves a half entry that looks complete.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import type { Size3 } from './config.js';
import { foregroundIndices, type CaseArrays } from './patch.js';

export interface CachedCase extends CaseArrays {
  /** Flat indices of foreground voxels (for positive patch centres). */
  readonly fg: Int32Array;
}

interface EntryMeta {
  readonly dims: Size3;
  readonly fgCount: number;
  readonly createdAt: string;
}

/** JSON with sorted keys, so equal configurations always hash equal. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function cacheKey(imageHash: string, labelHash: string, preprocessing: unknown): string {
  return createHash('sha256')
    .update(`${imageHash}\n${labelHash}\n${canonicalJson(preprocessing)}`)
    .digest('hex');
}

export class PreprocessedCache {
  /** Most recently used entries kept in memory; everything else is read back from disk when sampled. */
  private readonly memory = new Map<string, CachedCase>();

  constructor(
    readonly dir: string,
    private readonly keepInMemory = 2,
  ) {}

  async has(key: string): Promise<boolean> {
    try {
      await stat(join(this.dir, `${key}.json`));
      return true;
    } catch {
      return false;
    }
  }

  /** Returns the entry, running `make` (load + preprocess) and storing its result only when missing. */
  async getOrCreate(key: string, make: () => Promise<CaseArrays>): Promise<CachedCase> {
    if (!(await this.has(key))) await this.put(key, await make());
    return this.load(key);
  }

  async put(key: string, c: CaseArrays): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const fg = foregroundIndices(c.label);
    const base = join(this.dir, key);
    await writeFileAtomic(`${base}.img.f32`, bytesOf(c.image));
    await writeFileAtomic(`${base}.lbl.u8`, c.label);
    await writeFileAtomic(`${base}.fg.i32`, bytesOf(fg));
    const meta: EntryMeta = { dims: c.dims, fgCount: fg.length, createdAt: new Date().toISOString() };
    // The .json goes last: its presence is what marks an entry complete.
    await writeFileAtomic(`${base}.json`, JSON.stringify(meta));
  }

  async load(key: string): Promise<CachedCase> {
    const hit = this.memory.get(key);
    if (hit) {
      this.memory.delete(key);
      this.memory.set(key, hit);
      return hit;
    }
    const base = join(this.dir, key);
    const meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as EntryMeta;
    const img = await readFile(`${base}.img.f32`);
    const lbl = await readFile(`${base}.lbl.u8`);
    const fgb = await readFile(`${base}.fg.i32`);
    const entry: CachedCase = {
      dims: meta.dims,
      image: new Float32Array(img.buffer.slice(img.byteOffset, img.byteOffset + img.byteLength)),
      label: new Uint8Array(lbl.buffer.slice(lbl.byteOffset, lbl.byteOffset + lbl.byteLength)),
      fg: new Int32Array(fgb.buffer.slice(fgb.byteOffset, fgb.byteOffset + fgb.byteLength)),
    };
    this.memory.set(key, entry);
    while (this.memory.size > this.keepInMemory) this.memory.delete(this.memory.keys().next().value as string);
    return entry;
  }
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

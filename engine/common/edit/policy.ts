/**
 * Which voxels an edit may change, as in 3D Slicer's Segment Editor: an editable area ("modify only inside /
 * outside <segment or any segment>, or everywhere") and an overwrite rule for the other segments (all, only the
 * visible ones, none). Every tool proposes a result and commits it through `VoxelFilter`, so the rules live in
 * one place. Decided per current voxel value, through 256-entry lookup tables (the commit loop runs per voxel).
 */
import { forEachBoxRow, type Box, type LabelGrid } from './grid.js';

export type OverwriteRule = 'all' | 'visible' | 'none';

export type EditableArea = { readonly mode: 'everywhere' } | { readonly mode: 'inside' | 'outside'; readonly segment: number | 'any' };

export interface EditPolicy {
  readonly area: EditableArea;
  readonly overwrite: OverwriteRule;
  /** Hidden segments: the 'visible' rule does not overwrite them. */
  readonly hidden?: readonly number[];
  /** Locked segments are never changed, whatever the rule. */
  readonly locked?: readonly number[];
}

/** Slicer's defaults: edit everywhere, overwrite all other segments. */
export const DEFAULT_POLICY: EditPolicy = { area: { mode: 'everywhere' }, overwrite: 'all' };

/** Writes one voxel; returns whether it changed (the renderer's LabelmapEditor.write records undo). */
export type VoxelWriter = (index: number, value: number) => boolean;

/** A writer straight into a labelmap (tests, the engine). */
export function directWriter(labels: Uint8Array): VoxelWriter {
  return (index, value) => {
    if (labels[index] === value) return false;
    labels[index] = value;
    return true;
  };
}

export class VoxelFilter {
  /** allowed[v]: a voxel that now holds v may be changed. */
  readonly #allowed = new Uint8Array(256);

  /**
   * @param operands the segments the tool works on (the target, a source being merged): their voxels may always be
   *   changed inside the editable area, and "inside segment X" also covers them (labels never overlap, so a tumour
   *   carved out of the liver is no longer "inside the liver" by value).
   */
  constructor(policy: EditPolicy, operands: readonly number[]) {
    const hidden = new Set(policy.hidden ?? []);
    const locked = new Set(policy.locked ?? []);
    const operand = new Set(operands);
    const area = policy.area;
    for (let v = 0; v < 256; v++) {
      let inArea: boolean;
      if (area.mode === 'everywhere') inArea = true;
      else if (area.mode === 'inside') inArea = (area.segment === 'any' ? v !== 0 : v === area.segment) || operand.has(v);
      else inArea = area.segment === 'any' ? v === 0 || operand.has(v) : v !== area.segment;
      let mayOverwrite = v === 0 || operand.has(v);
      if (!mayOverwrite) mayOverwrite = policy.overwrite === 'all' || (policy.overwrite === 'visible' && !hidden.has(v));
      this.#allowed[v] = inArea && mayOverwrite && !locked.has(v) ? 1 : 0;
    }
  }

  allows(current: number): boolean {
    return this.#allowed[current] === 1;
  }

  /** The lookup table itself, for hot loops. */
  get table(): Uint8Array {
    return this.#allowed;
  }
}

/** Counts of a committed edit (the UI reports voxels and mL changed). */
export interface EditResult {
  readonly changed: number;
  /** Voxels that became the target segment. */
  readonly added: number;
  /** Voxels that stopped being the target segment. */
  readonly removed: number;
}

export const NO_CHANGE: EditResult = { changed: 0, added: 0, removed: 0 };

/**
 * Makes `target` cover exactly the box voxels where `want` is 1 (box-sized, i fastest): voxels entering become
 * `target`, voxels leaving become background, each only where the filter allows.
 */
export function commitMembership(
  grid: LabelGrid,
  box: Box,
  want: Uint8Array,
  target: number,
  filter: VoxelFilter,
  write: VoxelWriter,
): EditResult {
  const labels = grid.labels;
  const tally = new Tally(target, filter, write);
  // Row by row as a labelmap proposal (wanted voxels → target, unwanted target voxels → background, the rest
  // stay): one row of scratch instead of a box-sized copy (a whole-volume invert would copy 78 MB).
  const row = new Uint8Array(box.max[0] - box.min[0] + 1);
  forEachBoxRow(grid.dims, box, (p0, q0, n) => {
    for (let i = 0; i < n; i++) {
      const current = labels[p0 + i];
      row[i] = want[q0 + i] === 1 ? target : current === target ? 0 : current;
    }
    tally.commitRow(labels, p0, row, 0, n);
  });
  return tally.result;
}

/** Writes a box-sized labelmap proposal where it differs from the labelmap and the filter allows. */
export function commitLabels(
  grid: LabelGrid,
  box: Box,
  proposed: Uint8Array,
  target: number,
  filter: VoxelFilter,
  write: VoxelWriter,
): EditResult {
  const tally = new Tally(target, filter, write);
  forEachBoxRow(grid.dims, box, (p0, q0, n) => tally.commitRow(grid.labels, p0, proposed, q0, n));
  return tally.result;
}

/** The one commit loop: writes proposal rows where they differ and the filter allows, counting what changed. */
class Tally {
  #changed = 0;
  #added = 0;
  #removed = 0;
  readonly #allowed: Uint8Array;

  constructor(
    readonly target: number,
    filter: VoxelFilter,
    readonly write: VoxelWriter,
  ) {
    this.#allowed = filter.table;
  }

  /** Commits proposed[q0 … q0 + n) over labels[p0 … p0 + n). */
  commitRow(labels: Uint8Array, p0: number, proposed: Uint8Array, q0: number, n: number): void {
    const allowed = this.#allowed;
    const { target, write } = this;
    let changed = 0;
    let added = 0;
    let removed = 0;
    for (let i = 0; i < n; i++) {
      const p = p0 + i;
      const current = labels[p];
      const next = proposed[q0 + i];
      if (next === current || allowed[current] === 0 || !write(p, next)) continue;
      changed++;
      if (next === target) added++;
      else if (current === target) removed++;
    }
    this.#changed += changed;
    this.#added += added;
    this.#removed += removed;
  }

  get result(): EditResult {
    return { changed: this.#changed, added: this.#added, removed: this.#removed };
  }
}

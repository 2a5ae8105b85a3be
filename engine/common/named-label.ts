/**
 * A workspace's named labels (segments) and where their values have voxels: one definition for the workspace
 * manifest (engine/workspace/label-names.ts) and the contract's DTOs (engine/api/dtos.ts), which are the same data.
 */

/** A workspace label (segment): every case shows every one, in value order, in this colour. */
export interface NamedLabel {
  readonly value: number;
  readonly name: string;
  /** `#rrggbb`, or null: the app's palette colour for the value. */
  readonly color: string | null;
}

/** Where a label value has voxels: the latest label version of each case (from the recorded counts). */
export interface LabelUsage {
  readonly value: number;
  readonly voxels: number;
  readonly cases: readonly string[];
}

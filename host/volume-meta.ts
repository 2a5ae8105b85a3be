/** VolumeMeta (what a viewer needs to place raw voxel bytes) from an engine Volume, with its statistics cached. */
import type { CaseId, LabelVersionId, VolumeMeta, VoxelDType } from '../engine/api/contract.js';
import { spacingOf } from '../engine/common/affine.js';
import { orientationCodes } from '../engine/common/orientation.js';
import { valueRange, type Volume, type VoxelArray } from '../engine/common/volume.js';
import type { DisplayWindow } from '../engine/common/display-window.js';

export function dtypeOf(data: VoxelArray): VoxelDType {
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/**
 * Min and max of each decoded voxel array, computed once: a volume's voxels never change once decoded (an edited
 * label is a new version, decoded into a new array), and re-scanning 78 M voxels on every open cost 0.4 s a call.
 */
const ranges = new WeakMap<VoxelArray, [number, number]>();

function cachedRange(data: VoxelArray): [number, number] {
  let range = ranges.get(data);
  if (!range) ranges.set(data, (range = valueRange(data)));
  return range;
}

/** The value range of a saved label version from its recorded voxel counts (values with voxels). */
function rangeOfCounts(voxelCounts: Readonly<Record<string, number>>): [number, number] | undefined {
  const present = Object.entries(voxelCounts)
    .filter(([, n]) => n > 0)
    .map(([v]) => Number(v));
  return present.length ? [Math.min(...present), Math.max(...present)] : undefined;
}

/** What is known of a volume without reading its voxels (all optional). */
export interface KnownVolumeFacts {
  /** Images: the window the source asks for. */
  readonly displayWindow?: DisplayWindow | null;
  /** Images: the range recorded at import (the case record's `valueRange`). */
  readonly range?: readonly [number, number] | null;
  /** Saved label versions: the recorded voxel counts, which give the range too. */
  readonly voxelCounts?: Readonly<Record<string, number>> | null;
}

/** Recorded facts spare the scan of every voxel for the range (and the viewer a count of the labels). */
export function volumeMeta(
  vol: Volume,
  caseId: CaseId,
  kind: 'image' | 'label',
  version: LabelVersionId | null,
  known: KnownVolumeFacts = {},
): VolumeMeta {
  const { displayWindow = null, range = null, voxelCounts = null } = known;
  const [min, max] = range ?? (voxelCounts && rangeOfCounts(voxelCounts)) ?? cachedRange(vol.data);
  const s = spacingOf(vol.affine);
  return {
    caseId,
    kind,
    version,
    dims: [vol.dims[0], vol.dims[1], vol.dims[2]],
    affine: Array.from(vol.affine),
    dtype: dtypeOf(vol.data),
    spacing: [s[0], s[1], s[2]],
    orientation: orientationCodes(vol.affine),
    min,
    max,
    byteLength: vol.data.byteLength,
    displayWindow,
    voxelCounts,
  };
}

/** The voxel bytes without a copy (the platforms Lobule ships on are little-endian, as the contract says). */
export function volumeBytes(vol: Volume): Uint8Array {
  return new Uint8Array(vol.data.buffer, vol.data.byteOffset, vol.data.byteLength);
}

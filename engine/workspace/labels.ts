/**
 * Label versions: immutable files `labels/<case>/<version>.nii.gz` plus a manifest record saying who made it,
 * from what, when, its sha256 and voxel count per label. This module builds those records and checks geometry;
 * the Workspace commits them.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { LobuleError } from '../errors.js';
import { gridsEqual } from '../common/affine.js';
import { describeGrid } from '../io/load.js';
import { readNifti } from '../io/nifti.js';
import { writeNifti } from '../io/nifti-write.js';
import { fsyncDir } from '../io/atomic.js';
import { sha256File } from '../io/hash.js';
import { labelCounts } from '../common/crop.js';
import { makeVolume, voxelCount, type LabelVolume, type Volume } from '../common/volume.js';
import type { CaseRecord, CaseStatus, Geometry, LabelSource, LabelVersion } from './manifest.js';

/** One wording for grids in every geometry message (engine/io's). */
export { describeGrid };

export function geometryOf(v: Volume): Geometry {
  return { dims: [v.dims[0], v.dims[1], v.dims[2]], affine: Array.from(v.affine) };
}

/**
 * Turns what a caller saves into a LabelVolume on the case's grid.
 * @throws LobuleError E_GEOMETRY naming both grids when the labels are on another grid.
 */
export function labelsOnCaseGrid(c: CaseRecord, labels: LabelVolume | Uint8Array, what: string): LabelVolume {
  if (labels instanceof Uint8Array) {
    const n = voxelCount(c.geometry.dims);
    if (labels.length !== n) {
      throw new LobuleError(
        'E_GEOMETRY',
        `${what} have ${labels.length} voxels but case ${c.id} has ${n} (${describeGrid(c.geometry)})`,
        'Save labels drawn on this case’s image',
      );
    }
    return makeVolume(labels, c.geometry.dims, c.geometry.affine);
  }
  if (!(labels.data instanceof Uint8Array)) {
    throw new LobuleError('E_INVALID_ARGUMENT', `${what} must hold uint8 labels`, 'Convert the labels to uint8 (values 0..255) first');
  }
  if (!gridsEqual(labels, c.geometry)) {
    throw new LobuleError(
      'E_GEOMETRY',
      `${what} are not on the grid of case ${c.id}: labels ${describeGrid(labels)}; image ${describeGrid(c.geometry)}`,
      'Labels must be on the image’s voxel grid; resample them onto the image first',
    );
  }
  return labels;
}

/** The OS user, recorded as the author of manual saves. */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/**
 * Next version id: one past the highest in the manifest AND on disk, so a file orphaned by a crash between
 * "label file written" and "manifest committed" is never overwritten (versions are never rewritten).
 */
export async function nextVersionId(c: CaseRecord, caseLabelDir: string): Promise<string> {
  let max = 0;
  for (const v of c.labels) max = Math.max(max, Number(v.id.slice(1)));
  const names = await readdir(caseLabelDir).catch(() => [] as string[]);
  for (const name of names) {
    const m = /^v(\d+)\.nii\.gz$/.exec(name);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `v${max + 1}`;
}

export function voxelCountsOf(labels: LabelVolume): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [value, count] of labelCounts(labels)) out[String(value)] = count;
  return out;
}

export interface SaveLabelOptions {
  /** `manual`, `import`, `revert` or `model:<id>@<version>`. */
  readonly source: LabelSource;
  /** For source `revert`: the version copied. */
  readonly revertOf?: string;
  /** Default: the OS user. */
  readonly author?: string;
  /** The version these labels were edited from. Default: the case's latest version (null for the first). */
  readonly parent?: string | null;
  /** Overrides the status the save implies (model → draft, manual → corrected, import → verified). */
  readonly status?: CaseStatus;
}

export function checkSource(source: string): LabelSource {
  if (source === 'manual' || source === 'import' || source === 'revert' || /^model:[^@\s]+@[^@\s]+$/.test(source))
    return source as LabelSource;
  throw new LobuleError('E_INVALID_ARGUMENT', `label source '${source}' is not manual, import, revert or model:<id>@<version>`);
}

/** Status a save implies: a model's output is a draft, a person's save a correction, an import is taken as given. */
export function statusAfterSave(source: LabelSource): CaseStatus {
  if (source === 'manual' || source === 'revert') return 'corrected';
  if (source === 'import') return 'verified';
  return 'draft';
}

export function resolveParent(c: CaseRecord, parent: string | null | undefined): string | null {
  if (parent === undefined) return c.labels.at(-1)?.id ?? null;
  if (parent !== null && !c.labels.some((v) => v.id === parent)) {
    throw new LobuleError(
      'E_NOT_FOUND',
      `case ${c.id} has no label version ${parent} to use as parent`,
      `Known versions: ${c.labels.map((v) => v.id).join(', ') || 'none'}`,
    );
  }
  return parent;
}

export function findVersion(c: CaseRecord, versionId?: string): LabelVersion {
  const v = versionId === undefined ? c.labels.at(-1) : c.labels.find((x) => x.id === versionId);
  if (!v) {
    throw versionId === undefined
      ? new LobuleError('E_NOT_FOUND', `case ${c.id} has no labels yet`, 'Run a model on it or draw and save labels first')
      : new LobuleError(
          'E_NOT_FOUND',
          `case ${c.id} has no label version ${versionId}`,
          `Known versions: ${c.labels.map((x) => x.id).join(', ') || 'none'}`,
        );
  }
  return v;
}

/** Reads a stored label file as uint8 (a file written elsewhere may hold another integer type). */
export async function readLabelFile(abs: string): Promise<LabelVolume> {
  const vol = await readNifti(abs);
  if (vol.data instanceof Uint8Array) return vol as LabelVolume;
  return { data: Uint8Array.from(vol.data, (v) => Number(v)), dims: vol.dims, affine: vol.affine };
}

function sameCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a).filter((k) => a[k] > 0);
  return ka.length === Object.keys(b).filter((k) => b[k] > 0).length && ka.every((k) => a[k] === b[k]);
}

/**
 * The version `parentId` when `vol` holds exactly its voxels, else undefined. The recorded voxel counts rule out
 * most changes without reading the file; only equal counts cost a read and a byte compare.
 */
export async function identicalVersion(
  dir: string,
  c: CaseRecord,
  vol: LabelVolume,
  parentId: string | null,
): Promise<LabelVersion | undefined> {
  const parent = parentId === null ? undefined : c.labels.find((v) => v.id === parentId);
  if (!parent || !sameCounts(parent.voxelCounts, voxelCountsOf(vol))) return undefined;
  const stored = await readLabelFile(join(dir, parent.file));
  return Buffer.from(stored.data.buffer, stored.data.byteOffset, stored.data.byteLength).equals(vol.data) ? parent : undefined;
}

/** What a save did: a new version, or (`unchanged`) nothing because the voxels equal the parent version's. */
export interface SavedLabel {
  readonly version: LabelVersion;
  readonly unchanged: boolean;
}

/**
 * Writes a label file (atomic and durable) and appends its version to case `c` of a draft manifest; the caller
 * commits the manifest. Ids never reuse a number already on disk, so no file is ever rewritten. A save whose
 * voxels equal the parent version's writes nothing and leaves the status alone (so Save without edits can never
 * turn a verified case into a corrected one).
 * @throws LobuleError E_GEOMETRY naming both grids when the labels are not on the case's grid.
 */
export async function writeLabelVersion(
  dir: string,
  c: CaseRecord,
  labels: LabelVolume | Uint8Array,
  options: SaveLabelOptions,
): Promise<SavedLabel> {
  const source = checkSource(options.source);
  const vol = labelsOnCaseGrid(c, labels, `labels for case ${c.id}`);
  const parent = resolveParent(c, options.parent);
  const same = await identicalVersion(dir, c, vol, parent);
  if (same) return { version: same, unchanged: true };
  const caseDir = join(dir, 'labels', c.id);
  await mkdir(caseDir, { recursive: true });
  const id = await nextVersionId(c, caseDir);
  const file = `labels/${c.id}/${id}.nii.gz`;
  const abs = join(dir, file);
  await writeNifti(abs, vol); // atomic and fsynced by engine/io
  await fsyncDir(caseDir); // the manifest must never point at a file whose rename a power cut could undo
  const status = options.status ?? statusAfterSave(source);
  const v: LabelVersion = {
    id,
    parent,
    source,
    file,
    author: options.author ?? osUser(),
    time: new Date().toISOString(),
    sha256: await sha256File(abs),
    voxelCounts: voxelCountsOf(vol),
    ...(options.revertOf ? { revertOf: options.revertOf } : {}),
    status,
  };
  c.labels.push(v);
  c.status = status;
  return { version: v, unchanged: false };
}

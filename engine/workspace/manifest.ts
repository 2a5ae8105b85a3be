/**
 * The workspace manifest `lobule.json`: the one file that says which cases exist, their label versions, statuses
 * and splits. Validated with zod at load (with a schemaVersion and one migration function), written atomically,
 * the previous copy kept as `lobule.json.bak` so a damaged manifest can be recovered.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { displayWindowSchema } from '../common/display-window.js';

export const MANIFEST_FILE = 'lobule.json';
export const MANIFEST_BACKUP = 'lobule.json.bak';
export const SCHEMA_VERSION = 1;

export const CASE_STATUSES = ['unlabelled', 'draft', 'corrected', 'verified'] as const;
export const SPLITS = ['train', 'val', 'test', 'unassigned'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type SplitName = (typeof SPLITS)[number];

/** `manual`, `import`, `revert` (a copy of an older version, see LabelVersion.revertOf) or `model:<id>@<version>`. */
export type LabelSource = 'manual' | 'import' | 'revert' | `model:${string}@${string}`;

/** A path inside the workspace folder: relative, forward slashes, no `..` (a manifest must not point outside). */
const insidePath = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\\:]+$/, 'must be a path inside the workspace folder');

const labelSource = z
  .string()
  .regex(/^(manual|import|revert|model:[^@\s]+@[^@\s]+)$/, 'label source must be manual, import, revert or model:<id>@<version>')
  .transform((s) => s as LabelSource);

const labelVersionSchema = z.object({
  id: z.string().regex(/^v\d+$/),
  parent: z.string().nullable(),
  author: z.string(),
  source: labelSource,
  time: z.string(),
  /** sha256 of the label file's bytes, as `sha256sum labels/<case>/<id>.nii.gz` prints it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Path relative to the workspace folder. */
  file: insidePath,
  /** Voxel count per label value present (keys are the values as strings, "0" included). */
  voxelCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** For source `revert`: the version whose voxels this one copies. */
  revertOf: z
    .string()
    .regex(/^v\d+$/)
    .optional(),
  /** The case's status while this version was the latest (kept up to date by setStatus), so a revert restores it. */
  status: z.enum(CASE_STATUSES).optional(),
});
export type LabelVersion = z.infer<typeof labelVersionSchema>;

const geometrySchema = z.object({
  dims: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  affine: z.array(z.number()).length(16),
});
export type Geometry = z.infer<typeof geometrySchema>;

const caseSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  /** Path relative to the workspace folder (images/<id>.nii.gz). */
  image: insidePath,
  /** Where the image was imported from (for the user; never read again). */
  origin: z.string(),
  importedAt: z.string(),
  geometry: geometrySchema,
  status: z.enum(CASE_STATUSES),
  split: z.enum(SPLITS),
  /** Cross-validation fold (0-based) when the split was made with folds; null otherwise or for test cases. */
  fold: z.number().int().nonnegative().nullable(),
  /** A case in a locked test split cannot change split, and no training run reads it. */
  testLocked: z.boolean(),
  labels: z.array(labelVersionSchema),
  /** The name the user gave the case (rename); absent: the name of the imported file. The id never changes. */
  name: z.string().min(1).max(200).optional(),
  /** sha256 of the stored image file, to report an image imported twice (absent for cases imported before it). */
  imageSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** The window the source asked to be shown with (DICOM WindowCenter/Width); absent: the viewer's default. */
  displayWindow: displayWindowSchema.optional(),
  /** Min and max voxel of the stored image, found at import (absent for cases imported before it). */
  valueRange: z.tuple([z.number(), z.number()]).optional(),
});
export type CaseRecord = z.infer<typeof caseSchema>;

const splitSettingsSchema = z.object({
  val: z.number().min(0).max(1),
  test: z.number().min(0).max(1),
  seed: z.number().int(),
  folds: z.number().int().min(2).nullable(),
  madeAt: z.string(),
});
export type SplitSettings = z.infer<typeof splitSettingsSchema>;

/** A deleted case: its record and files stay as they were (restorable) until the trash is emptied. */
const trashedCaseSchema = z.object({
  case: caseSchema,
  deletedAt: z.string(),
});
export type TrashedCase = z.infer<typeof trashedCaseSchema>;

/** `#rrggbb`. */
export const colorSchema = z.string().regex(/^#[0-9a-f]{6}$/, 'colour must be #rrggbb');

export const manifestSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  createdAt: z.string(),
  /** Bumped on every committed change; lets a reader tell two manifests apart. */
  revision: z.number().int().nonnegative(),
  /** nnU-Net v2 style: label name → value, background 0 included. */
  labelNames: z.record(z.string(), z.number().int().min(0).max(255)),
  /** Colours the user chose, by label value ("1" → "#dd3c3c"); values without one use the app's palette. */
  labelColors: z.record(z.string().regex(/^\d{1,3}$/), colorSchema).default({}),
  /** Statuses whose cases training reads. */
  trainingStatuses: z.array(z.enum(CASE_STATUSES)).min(1),
  split: splitSettingsSchema.nullable(),
  cases: z.array(caseSchema).superRefine((cases, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of cases.entries()) {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `case id '${c.id}' appears twice` });
      seen.add(c.id);
    }
  }),
  ui: z.object({ lastOpenCase: z.string().nullable() }),
  /** Deleted cases, newest last; their ids stay taken (their files still lie under images/ and labels/). */
  trash: z.array(trashedCaseSchema).default([]),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function emptyManifest(now = new Date()): Manifest {
  return {
    schemaVersion: SCHEMA_VERSION,
    createdAt: now.toISOString(),
    revision: 0,
    labelNames: { background: 0, liver: 1 },
    labelColors: {},
    trainingStatuses: ['verified'],
    split: null,
    cases: [],
    ui: { lastOpenCase: null },
    trash: [],
  };
}

/** Upgrades an older manifest to the current schema; the single place where formats are migrated. */
export function migrateManifest(raw: unknown, file: string): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `${file} has schemaVersion ${version}, made by a newer Lobule (this one reads ${SCHEMA_VERSION})`,
      'Update Lobule to open this workspace',
    );
  }
  return raw; // Version 1 is the first; future versions add their upgrade steps here.
}

/** Parses and validates manifest text; throws a message naming the first problem. */
export function parseManifest(text: string, file: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LobuleError('E_CORRUPT', `${file} is not valid JSON (${(e as Error).message})`);
  }
  const result = manifestSchema.safeParse(migrateManifest(raw, file));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new LobuleError(
      'E_CORRUPT',
      `${file} does not match the workspace schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return result.data;
}

export function serializeManifest(m: Manifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}

export interface LoadedManifest {
  readonly manifest: Manifest;
  /** The exact text loaded, kept so the next commit can write it as the backup. */
  readonly text: string;
  /** Set when the manifest was damaged and the backup was used; says what happened. */
  readonly recovered?: string;
}

/**
 * Loads `lobule.json`, falling back to `lobule.json.bak` when the main file is missing, torn or invalid.
 * With `repair`, a recovered backup is written back as `lobule.json` and the damaged file kept beside it.
 * @throws LobuleError E_WORKSPACE when the folder has no manifest at all; E_CORRUPT when neither file loads.
 */
export async function loadManifest(dir: string, { repair }: { repair: boolean }): Promise<LoadedManifest> {
  const mainPath = join(dir, MANIFEST_FILE);
  const bakPath = join(dir, MANIFEST_BACKUP);
  const main = await readText(mainPath);
  let mainError: LobuleError | undefined;
  if (main !== undefined) {
    try {
      return { manifest: parseManifest(main, mainPath), text: main };
    } catch (e) {
      if (!(e instanceof LobuleError)) throw e;
      mainError = e;
    }
  }
  const bak = await readText(bakPath);
  if (bak === undefined) {
    if (mainError)
      throw new LobuleError(
        'E_CORRUPT',
        `${mainError.message}, and there is no ${MANIFEST_BACKUP} to recover from`,
        `Restore ${mainPath} from a backup of the folder`,
      );
    throw new LobuleError(
      'E_WORKSPACE',
      `${dir} is not a Lobule workspace (no ${MANIFEST_FILE})`,
      `Create one with \`lobule workspace init ${dir}\` or pass --workspace DIR`,
    );
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(bak, bakPath);
  } catch (e) {
    throw new LobuleError(
      'E_CORRUPT',
      `${mainError?.message ?? `${mainPath} is missing`}; the backup is damaged too: ${(e as Error).message}`,
      `Restore ${dir} from a backup of the folder`,
    );
  }
  const what = mainError ? mainError.message : `${mainPath} was missing`;
  let recovered = `${what}; recovered the previous manifest from ${MANIFEST_BACKUP} (revision ${manifest.revision})`;
  if (repair) {
    if (main !== undefined) {
      const kept = `${mainPath}.damaged-${Date.now()}`;
      await rename(mainPath, kept);
      recovered += `; the damaged file was kept as ${kept}`;
    }
    await writeFileAtomic(mainPath, bak);
  }
  return { manifest, text: bak, recovered };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Commits a manifest: the text now on disk becomes `lobule.json.bak`, then the new text replaces `lobule.json`.
 * Both steps are atomic, so at every instant at least one of the two files is a complete, valid manifest.
 */
export async function commitManifest(dir: string, previousText: string, next: Manifest): Promise<string> {
  const text = serializeManifest(next);
  await writeFileAtomic(join(dir, MANIFEST_BACKUP), previousText);
  await writeFileAtomic(join(dir, MANIFEST_FILE), text);
  return text;
}

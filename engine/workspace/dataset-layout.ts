/**
 * Reading what a path to import holds, without loading any voxels: a single volume file, a DICOM folder, a folder
 * of volume files, a Medical Segmentation Decathlon dataset (dataset.json with `training` pairs, imagesTr,
 * labelsTr, imagesTs, files `<case>.nii.gz`) or an nnU-Net v2 raw dataset (dataset.json with `channel_names` and
 * `file_ending`, images `<case>_0000<ending>`, labels `<case><ending>`).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import type { DisplayWindow } from '../common/display-window.js';

export type ImportFormat = 'auto' | 'msd' | 'nnunet';

/** One case to import: an image (a file, or one series of a DICOM folder) and maybe its labels. */
export interface ImportItem {
  readonly suggestedId: string;
  readonly imagePath: string;
  readonly seriesUid?: string;
  readonly labelPath?: string;
  /** A DICOM series' own window (WindowCenter/Width), kept with the case for the viewer. */
  readonly displayWindow?: DisplayWindow;
}

export interface ImportPlan {
  readonly format: 'msd' | 'nnunet' | 'files';
  readonly items: ImportItem[];
  /** Label value → name, from the dataset's dataset.json. */
  readonly labelNames: ReadonlyMap<number, string>;
  readonly notices: string[];
}

const VOLUME_ENDINGS = ['.nii.gz', '.nii', '.nrrd', '.nhdr', '.mha', '.mhd'];

export function volumeEnding(name: string): string | undefined {
  const lower = name.toLowerCase();
  return VOLUME_ENDINGS.find((e) => lower.endsWith(e));
}

/** Hidden files (MSD tarballs carry macOS `._name` twins) and non-volumes are never cases. */
function isVolumeFile(name: string): boolean {
  return !name.startsWith('.') && volumeEnding(name) !== undefined;
}

export function stripEnding(name: string): string {
  const e = volumeEnding(name);
  return e ? name.slice(0, name.length - e.length) : name;
}

const msdJson = z.object({
  labels: z.record(z.string(), z.string()).optional(),
  modality: z.record(z.string(), z.string()).optional(),
  training: z.array(z.object({ image: z.string(), label: z.string() })).optional(),
  test: z.array(z.string()).optional(),
});

const nnunetJson = z.object({
  channel_names: z.record(z.string(), z.string()),
  labels: z.record(z.string(), z.union([z.number().int(), z.array(z.number().int())])),
  numTraining: z.number().int().optional(),
  file_ending: z.string(),
});

/** Whether a path is a folder (the importer expands DICOM folders into series). */
export async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function listVolumes(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter(isVolumeFile).sort();
}

async function readDatasetJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new LobuleError('E_CORRUPT', `${path} is not readable JSON (${(e as Error).message})`, 'Fix or remove dataset.json');
  }
}

/**
 * Works out what `path` holds and lists its cases.
 * @throws LobuleError E_NOT_FOUND for a missing path; E_UNSUPPORTED for a layout this cannot read.
 */
export async function planImport(path: string, format: ImportFormat): Promise<ImportPlan> {
  const root = resolve(path);
  const st = await stat(root).catch(() => undefined);
  if (!st) throw new LobuleError('E_NOT_FOUND', `${root} does not exist`, 'Check the path to import');
  if (!st.isDirectory()) {
    if (format !== 'auto')
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `${root} is a file, but --${format} expects a dataset folder`,
        'Pass the dataset folder (the one holding dataset.json)',
      );
    return { format: 'files', items: [{ suggestedId: stripEnding(basename(root)), imagePath: root }], labelNames: new Map(), notices: [] };
  }
  const jsonPath = join(root, 'dataset.json');
  const hasJson = await stat(jsonPath).then(
    () => true,
    () => false,
  );
  if (!hasJson) {
    if (format !== 'auto')
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `${root} has no dataset.json, so it is not an ${format === 'msd' ? 'MSD' : 'nnU-Net'} dataset`,
        'Pass the dataset folder (the one holding dataset.json and imagesTr)',
      );
    return { format: 'files', items: await plainFolderItems(root), labelNames: new Map(), notices: [] };
  }
  const raw = await readDatasetJson(jsonPath);
  const looksNnunet = typeof raw === 'object' && raw !== null && 'channel_names' in raw && 'file_ending' in raw;
  const chosen = format === 'auto' ? (looksNnunet ? 'nnunet' : 'msd') : format;
  return chosen === 'nnunet' ? planNnunet(root, jsonPath, raw) : planMsd(root, jsonPath, raw);
}

/** A folder without dataset.json: each volume file is a case; if it holds none, it is read as a DICOM folder. */
async function plainFolderItems(root: string): Promise<ImportItem[]> {
  const files = await listVolumes(root);
  if (files.length > 0) return files.map((f) => ({ suggestedId: stripEnding(f), imagePath: join(root, f) }));
  return [{ suggestedId: basename(root), imagePath: root }]; // expanded into one item per series by the importer
}

async function planMsd(root: string, jsonPath: string, raw: unknown): Promise<ImportPlan> {
  const parsed = msdJson.safeParse(raw);
  if (!parsed.success)
    throw new LobuleError(
      'E_CORRUPT',
      `${jsonPath} is not an MSD dataset.json: ${parsed.error.issues[0].message} at ${parsed.error.issues[0].path.join('.')}`,
    );
  const j = parsed.data;
  const notices: string[] = [];
  const modalities = Object.keys(j.modality ?? { 0: 'CT' });
  if (modalities.length > 1)
    throw new LobuleError(
      'E_UNSUPPORTED',
      `${jsonPath} lists ${modalities.length} modalities; Lobule reads single-channel (CT) datasets`,
      'Import one channel as plain files instead',
    );
  const items: ImportItem[] = [];
  const training =
    j.training ?? (await listVolumes(join(root, 'imagesTr'))).map((f) => ({ image: `./imagesTr/${f}`, label: `./labelsTr/${f}` }));
  for (const t of training) {
    const image = join(root, t.image);
    if (basename(image).startsWith('.')) continue;
    const label = join(root, t.label);
    const hasLabel = await stat(label).then(
      () => true,
      () => false,
    );
    if (!hasLabel) notices.push(`${label} is listed in dataset.json but missing; case imported without labels`);
    items.push({ suggestedId: stripEnding(basename(image)), imagePath: image, labelPath: hasLabel ? label : undefined });
  }
  const test = j.test ?? (await listVolumes(join(root, 'imagesTs'))).map((f) => `./imagesTs/${f}`);
  for (const t of test) {
    if (basename(t).startsWith('.')) continue;
    items.push({ suggestedId: stripEnding(basename(t)), imagePath: join(root, t) });
  }
  const labelNames = new Map<number, string>();
  for (const [k, v] of Object.entries(j.labels ?? {})) if (/^\d+$/.test(k)) labelNames.set(Number(k), v);
  return { format: 'msd', items, labelNames, notices };
}

async function planNnunet(root: string, jsonPath: string, raw: unknown): Promise<ImportPlan> {
  const parsed = nnunetJson.safeParse(raw);
  if (!parsed.success)
    throw new LobuleError(
      'E_CORRUPT',
      `${jsonPath} is not an nnU-Net v2 dataset.json: ${parsed.error.issues[0].message} at ${parsed.error.issues[0].path.join('.')}`,
      'It needs channel_names, labels, numTraining and file_ending',
    );
  const j = parsed.data;
  const channels = Object.keys(j.channel_names);
  if (channels.length > 1)
    throw new LobuleError(
      'E_UNSUPPORTED',
      `${jsonPath} has ${channels.length} input channels; Lobule reads single-channel (CT) datasets`,
      'Import one channel as plain files instead',
    );
  const ending = j.file_ending;
  const notices: string[] = [];
  const items: ImportItem[] = [];
  const suffix = `_0000${ending}`;
  for (const [imagesDir, labelsDir] of [
    ['imagesTr', 'labelsTr'],
    ['imagesTs', 'labelsTs'],
  ] as const) {
    const names = (await readdir(join(root, imagesDir)).catch(() => [] as string[]))
      .filter((n) => !n.startsWith('.') && n.endsWith(suffix))
      .sort();
    for (const name of names) {
      const id = name.slice(0, name.length - suffix.length);
      const label = join(root, labelsDir, `${id}${ending}`);
      const hasLabel = await stat(label).then(
        () => true,
        () => false,
      );
      if (!hasLabel && imagesDir === 'imagesTr') notices.push(`${label} is missing; case ${id} imported without labels`);
      items.push({ suggestedId: id, imagePath: join(root, imagesDir, name), labelPath: hasLabel ? label : undefined });
    }
  }
  if (j.numTraining !== undefined) {
    const nTr = items.filter((i) => i.imagePath.includes(`${join(root, 'imagesTr')}`)).length;
    if (nTr !== j.numTraining) notices.push(`${jsonPath} says numTraining ${j.numTraining} but imagesTr holds ${nTr} cases`);
  }
  const labelNames = new Map<number, string>();
  for (const [name, v] of Object.entries(j.labels)) if (typeof v === 'number') labelNames.set(v, name);
  return { format: 'nnunet', items, labelNames, notices };
}

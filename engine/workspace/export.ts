/**
 * Export to nnU-Net v2 raw and Medical Segmentation Decathlon layouts, so a dataset curated in Lobule can be
 * trained with nnU-Net on a cluster. Formats as nnU-Net v2 documents them (documentation/dataset_format.md and
 * manual_data_splits.md):
 *
 *   OUT/nnUNet_raw/Dataset500_Lobule/dataset.json       {channel_names, labels (name → int), numTraining, file_ending}
 *   OUT/nnUNet_raw/Dataset500_Lobule/imagesTr/<case>_0000.nii.gz, labelsTr/<case>.nii.gz
 *   OUT/nnUNet_raw/Dataset500_Lobule/imagesTs/<case>_0000.nii.gz (test split; labelsTs/ when labelled)
 *   OUT/nnUNet_preprocessed/Dataset500_Lobule/splits_final.json   [{"train": [...], "val": [...]}, ...]
 *
 * MSD: OUT/dataset.json {name, description, tensorImageSize, modality, labels (int → name), numTraining, numTest,
 * training: [{image, label}], test: [...]}, imagesTr/<case>.nii.gz, labelsTr/<case>.nii.gz, imagesTs/<case>.nii.gz,
 * plus OUT/splits_final.json (MSD has no split file of its own).
 *
 * The export is built in a sibling temp folder and renamed into place at the end, so a failure leaves no
 * half-written dataset.
 */
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LobuleError } from '../errors.js';
import { copyFileAtomic, writeFileAtomic } from '../io/atomic.js';
import type { CaseRecord, CaseStatus } from './manifest.js';
import type { Workspace } from './workspace.js';

export type ExportFormat = 'nnunet' | 'msd';

export interface ExportOptions {
  /** nnU-Net dataset id, 1..999 (nnU-Net asks for custom ids ≥ 500). Default 500. */
  readonly datasetId?: number;
  /** Dataset name (letters, digits, _ and -). Default 'Lobule'. */
  readonly name?: string;
  /** Statuses exported as training cases. Default: the workspace's training statuses. */
  readonly statuses?: readonly CaseStatus[];
}

export interface ExportReport {
  readonly format: ExportFormat;
  readonly outDir: string;
  /** Folder holding dataset.json. */
  readonly datasetDir: string;
  readonly splitsFile: string;
  readonly training: string[];
  readonly test: string[];
  /** Cases left out and why (unassigned split, no labels, status not exported). */
  readonly left: { readonly caseId: string; readonly reason: string }[];
}

function consecutiveLabels(ws: Workspace): [string, number][] {
  const entries = Object.entries(ws.status().labelNames).sort((a, b) => a[1] - b[1]);
  entries.forEach(([name, v], i) => {
    if (v !== i) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `label values must be consecutive from 0 for nnU-Net, but '${name}' is ${v} (expected ${i})`,
        'Rename or remap the workspace labels so they run 0, 1, 2, …',
      );
    }
  });
  return entries;
}

function checkValues(c: CaseRecord, known: ReadonlySet<number>): void {
  const latest = c.labels.at(-1)!;
  for (const v of Object.keys(latest.voxelCounts).map(Number)) {
    if (!known.has(v))
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `case ${c.id} label ${latest.id} holds value ${v}, which the workspace does not name`,
        'Add a name for it or remap the labels before exporting',
      );
  }
}

async function prepareOut(outDir: string): Promise<string> {
  const entries = await readdir(outDir).catch(() => undefined);
  if (entries && entries.length > 0)
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `export folder ${outDir} is not empty`,
      'Choose a new or empty folder; nothing is overwritten',
    );
  const staging = join(dirname(outDir), `.${basename(outDir)}.lobule-tmp-${process.pid}-export`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  return staging;
}

async function finish(staging: string, outDir: string): Promise<void> {
  if (
    await stat(outDir).then(
      () => true,
      () => false,
    )
  )
    await rmdir(outDir);
  await rename(staging, outDir);
}

/** Writes `ws` as an nnU-Net v2 raw dataset or an MSD task folder under `outDir` (new or empty). */
export async function exportDataset(
  ws: Workspace,
  format: ExportFormat,
  outDir: string,
  options: ExportOptions = {},
): Promise<ExportReport> {
  const out = resolve(outDir);
  const id = options.datasetId ?? 500;
  const name = options.name ?? 'Lobule';
  if (!(Number.isInteger(id) && id >= 1 && id <= 999))
    throw new LobuleError('E_INVALID_ARGUMENT', `nnU-Net dataset id must be 1..999, got ${id}`);
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new LobuleError('E_INVALID_ARGUMENT', `dataset name '${name}' may only hold letters, digits, _ and -`);
  const labels = consecutiveLabels(ws);
  const known = new Set(labels.map(([, v]) => v));
  const { train, val } = ws.trainingCases({ statuses: options.statuses });
  const training = [...train, ...val].sort((a, b) => a.id.localeCompare(b.id));
  const test = ws.splitCases('test').sort((a, b) => a.id.localeCompare(b.id));
  if (training.length === 0) {
    const wanted = options.statuses ?? ws.status().trainingStatuses;
    throw new LobuleError(
      'E_WORKSPACE',
      `workspace ${ws.dir} has no labelled train/val case with status ${wanted.join(' or ')} to export`,
      'Verify cases and split them (`lobule workspace split`) first',
    );
  }
  for (const c of training) checkValues(c, known);
  const exported = new Set([...training, ...test].map((c) => c.id));
  const left = ws
    .cases()
    .filter((c) => !exported.has(c.id))
    .map((c) => ({ caseId: c.id, reason: leftReason(c) }));
  const splits = ws.exportSplits({ statuses: options.statuses });

  const staging = await prepareOut(out);
  try {
    const folder = format === 'nnunet' ? `Dataset${String(id).padStart(3, '0')}_${name}` : `Task${String(id).padStart(2, '0')}_${name}`;
    const dsRel = format === 'nnunet' ? join('nnUNet_raw', folder) : '.';
    const ds = join(staging, dsRel);
    const suffix = format === 'nnunet' ? '_0000' : '';
    for (const sub of ['imagesTr', 'labelsTr', 'imagesTs']) await mkdir(join(ds, sub), { recursive: true });
    for (const c of training) {
      await copyFileAtomic(ws.imagePath(c.id), join(ds, 'imagesTr', `${c.id}${suffix}.nii.gz`));
      await copyFileAtomic(ws.labelPath(c.id), join(ds, 'labelsTr', `${c.id}.nii.gz`));
    }
    for (const c of test) {
      await copyFileAtomic(ws.imagePath(c.id), join(ds, 'imagesTs', `${c.id}${suffix}.nii.gz`));
      if (c.labels.length > 0) {
        await mkdir(join(ds, 'labelsTs'), { recursive: true });
        await copyFileAtomic(ws.labelPath(c.id), join(ds, 'labelsTs', `${c.id}.nii.gz`));
      }
    }
    const datasetJson =
      format === 'nnunet' ? nnunetDatasetJson(labels, training.length, name, ws.dir) : msdDatasetJson(labels, training, test, name, ws.dir);
    await writeFileAtomic(join(ds, 'dataset.json'), JSON.stringify(datasetJson, null, 4) + '\n');
    const splitsRel = format === 'nnunet' ? join('nnUNet_preprocessed', folder, 'splits_final.json') : 'splits_final.json';
    await mkdir(dirname(join(staging, splitsRel)), { recursive: true });
    await writeFileAtomic(join(staging, splitsRel), JSON.stringify(splits, null, 4) + '\n');
    if (format === 'nnunet') await writeFileAtomic(join(staging, 'README.txt'), nnunetReadme(folder, id));
    await finish(staging, out);
    return {
      format,
      outDir: out,
      datasetDir: join(out, dsRel),
      splitsFile: join(out, splitsRel),
      training: training.map((c) => c.id),
      test: test.map((c) => c.id),
      left,
    };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

function leftReason(c: CaseRecord): string {
  if (c.split === 'unassigned') return 'not in any split';
  if (c.labels.length === 0) return 'no labels';
  return `status ${c.status} is not exported for training`;
}

function nnunetDatasetJson(labels: [string, number][], numTraining: number, name: string, from: string): Record<string, unknown> {
  return {
    channel_names: { '0': 'CT' },
    labels: Object.fromEntries(labels),
    numTraining,
    file_ending: '.nii.gz',
    name,
    description: `Exported by Lobule from workspace ${from}`,
  };
}

function msdDatasetJson(
  labels: [string, number][],
  training: CaseRecord[],
  test: CaseRecord[],
  name: string,
  from: string,
): Record<string, unknown> {
  return {
    name,
    description: `Exported by Lobule from workspace ${from}`,
    tensorImageSize: '3D',
    modality: { '0': 'CT' },
    labels: Object.fromEntries(labels.map(([n, v]) => [String(v), n])),
    numTraining: training.length,
    numTest: test.length,
    training: training.map((c) => ({ image: `./imagesTr/${c.id}.nii.gz`, label: `./labelsTr/${c.id}.nii.gz` })),
    test: test.map((c) => `./imagesTs/${c.id}.nii.gz`),
  };
}

function nnunetReadme(folder: string, id: number): string {
  return [
    `nnU-Net v2 dataset exported by Lobule.`,
    ``,
    `  export nnUNet_raw="$PWD/nnUNet_raw"`,
    `  export nnUNet_preprocessed="$PWD/nnUNet_preprocessed"`,
    `  export nnUNet_results="$PWD/nnUNet_results"`,
    `  nnUNetv2_plan_and_preprocess -d ${id} --verify_dataset_integrity`,
    `  nnUNetv2_train ${id} 3d_fullres 0`,
    ``,
    `nnUNet_preprocessed/${folder}/splits_final.json holds Lobule's train/val split (one entry per fold), so`,
    `nnU-Net trains on exactly the cases Lobule does; test cases are in imagesTs and never in the split.`,
    ``,
  ].join('\n');
}

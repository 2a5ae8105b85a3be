/**
 * Temporary workspaces for the e2e tests and the renderer's dev server (renderer/dev/serve-dev.ts), made with the
 * engine's own Workspace API from ../shared/data cases (symlinked into an MSD-style folder, never copied into the repo).
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { sharedData } from './shared-data.js';
import { writeThresholdModel } from './threshold-model.js';

export interface TempWorkspace {
  readonly dir: string;
  readonly root: string;
  cleanup(): Promise<void>;
}

/**
 * caseA (train) and caseC (val): the small TotalSegmentator CT (122×101×30, 3 mm) with its liver label, both
 * verified; caseB: the same CT without labels, unassigned. The workspace's models/ holds `threshold`, the host
 * tests' hand-built one-voxel ONNX model (HU > 150.5 → 1), as the active model.
 */
export async function makeWorkspaceFromSharedData(): Promise<TempWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'lobule-e2e-'));
  const dataset = join(root, 'dataset');
  await mkdir(join(dataset, 'imagesTr'), { recursive: true });
  await mkdir(join(dataset, 'labelsTr'), { recursive: true });
  await mkdir(join(dataset, 'imagesTs'), { recursive: true });
  const ct = sharedData('totalsegmentator/example_ct_sm.nii.gz');
  await symlink(ct, join(dataset, 'imagesTr', 'caseA.nii.gz'));
  await symlink(sharedData('totalsegmentator/example_seg_fast/liver.nii.gz'), join(dataset, 'labelsTr', 'caseA.nii.gz'));
  await symlink(ct, join(dataset, 'imagesTr', 'caseC.nii.gz'));
  await symlink(sharedData('totalsegmentator/example_seg_fast/liver.nii.gz'), join(dataset, 'labelsTr', 'caseC.nii.gz'));
  await symlink(ct, join(dataset, 'imagesTs', 'caseB.nii.gz'));
  await writeFile(
    join(dataset, 'dataset.json'),
    JSON.stringify({
      name: 'e2e',
      modality: { 0: 'CT' },
      labels: { 0: 'background', 1: 'liver' },
      training: ['caseA', 'caseC'].map((c) => ({ image: `./imagesTr/${c}.nii.gz`, label: `./labelsTr/${c}.nii.gz` })),
      test: ['./imagesTs/caseB.nii.gz'],
    }),
  );
  const dir = join(root, 'ws');
  const ws = await Workspace.init(dir);
  try {
    await ws.importPaths([dataset], { format: 'msd' });
    await ws.setSplit('caseA', 'train');
    await ws.setSplit('caseC', 'val');
    await writeThresholdModel(ws.modelsDir());
  } finally {
    await ws.close();
  }
  return { dir, root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

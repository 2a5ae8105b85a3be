/**
 * A workspace built from ../shared/data for training tests: patient A's full scan (example_ct + its
 * TotalSegmentator labels, liver = 5 → 1) in train, patient B's DICOM series (liver = 5 → 1) in val, and
 * optionally patient A's top 30 slices (example_ct_sm) in test — the case no run may read.
 */
import { Workspace } from '../../engine/workspace/workspace.js';
import { loadLabelsOnto } from '../../engine/io/load.js';
import { applyLabelMap, parseLabelMap } from '../../engine/workspace/labelmap.js';
import type { SplitName } from '../../engine/workspace/manifest.js';
import { sharedData } from '../helpers/data.js';

export interface FixtureCase {
  readonly image: string;
  readonly label: string;
  readonly split: SplitName;
  readonly id: string;
}

export const PATIENT_A: FixtureCase = {
  id: 'patientA',
  image: 'totalsegmentator/example_ct.nii.gz',
  label: 'totalsegmentator/example_seg_fast_force_split.nii.gz',
  split: 'train',
};
export const PATIENT_B: FixtureCase = {
  id: 'patientB',
  image: 'totalsegmentator/example_ct_dicom',
  label: 'totalsegmentator/example_seg_dicom.nii.gz',
  split: 'val',
};
export const PATIENT_A_TOP: FixtureCase = {
  id: 'patientA_top',
  image: 'totalsegmentator/example_ct_sm.nii.gz',
  label: 'totalsegmentator/example_seg.nii.gz',
  split: 'test',
};

/** Creates the workspace in `dir` with the given cases, all verified, liver (5) as label 1; returns the case ids. */
export async function buildLiverWorkspace(dir: string, cases: readonly FixtureCase[]): Promise<string[]> {
  const ws = await Workspace.init(dir);
  const map = parseLabelMap('5:1,*:0');
  const ids: string[] = [];
  try {
    for (const c of cases) {
      const report = await ws.importPaths([sharedData(c.image)]);
      const id = report.imported[0].caseId;
      const image = await ws.readImage(id);
      const labels = await loadLabelsOnto(sharedData(c.label), image);
      await ws.saveLabel(id, { ...labels, data: applyLabelMap(labels.data, map) }, { source: 'import', status: 'verified', parent: null });
      await ws.setSplit(id, c.split);
      ids.push(id);
    }
  } finally {
    await ws.close();
  }
  return ids;
}

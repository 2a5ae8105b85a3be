/**
 * `train.loop`: the retrain loop as a user runs it. From the bundled liver model, fine-tune with the inherited
 * (default) plan and a fixed small budget on the shared data — train: patient B's DICOM series, val: patient A's
 * top 30 slices (liver labels from TotalSegmentator) — then report the minutes, the steps, the val Dice of the
 * active (bundled) model and of the candidate through the segment pipeline, and which one the loop would keep.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace } from '../engine/workspace/workspace.js';
import { loadLabelsOnto } from '../engine/io/load.js';
import { applyLabelMap, parseLabelMap } from '../engine/workspace/labelmap.js';
import { packageRoot } from '../engine/paths.js';
import { runTraining } from '../engine/training/run/run-training.js';
import { printBench, round } from './util.js';

/** The fixed budget: 40 steps, validated twice, at most 5 minutes of training. */
const BUDGET = { budget: { epochs: 2, stepsPerEpoch: 20, minutes: 5 }, validation: { everyEpochs: 1 } };
const DATA = join(packageRoot(), '..', 'shared', 'data', 'totalsegmentator');
const CASES = [
  { image: 'example_ct_dicom', label: 'example_seg_dicom.nii.gz', split: 'train' },
  { image: 'example_ct_sm.nii.gz', label: 'example_seg.nii.gz', split: 'val' },
] as const;

const root = await mkdtemp(join(tmpdir(), 'lobule-bench-loop-'));
try {
  const dir = join(root, 'ws');
  const ws = await Workspace.init(dir);
  try {
    const liver = parseLabelMap('5:1,*:0');
    for (const c of CASES) {
      const id = (await ws.importPaths([join(DATA, c.image)])).imported[0].caseId;
      const labels = await loadLabelsOnto(join(DATA, c.label), await ws.readImage(id));
      await ws.saveLabel(
        id,
        { ...labels, data: applyLabelMap(labels.data, liver) },
        { source: 'import', status: 'verified', parent: null },
      );
      await ws.setSplit(id, c.split);
    }
  } finally {
    await ws.close();
  }
  const t0 = performance.now();
  const r = await runTraining({
    workspaceDir: dir,
    from: 'liver',
    name: 'bench-loop',
    overrides: [{ source: 'train.loop budget', override: BUDGET }],
    log: () => undefined,
  });
  const s = r.selection;
  printBench({
    bench: 'train.loop',
    minutes: round((performance.now() - t0) / 60000),
    training_minutes: round(r.seconds / 60),
    steps: r.steps,
    ended: r.ended,
    device: r.device,
    base_val_dice: s?.base ? round(s.base.dice, 4) : null,
    candidate_val_dice: s ? round(s.candidate.dice, 4) : null,
    kept: s?.better ? 'candidate' : 'base',
  });
} finally {
  await rm(root, { recursive: true, force: true });
}

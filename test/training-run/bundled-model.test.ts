import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/main.js';
import { readNifti } from '../../engine/io/nifti.js';
import { bundledModelsDir } from '../../engine/paths.js';
import { loadModelPackage } from '../../engine/models/package.js';
import { sha256File } from '../../engine/io/hash.js';
import { sharedData } from '../helpers/data.js';

const dir = await mkdtemp(join(tmpdir(), 'lobule-bundled-'));
after(() => rm(dir, { recursive: true, force: true }));

/** Dice of (out == 1) against (reference == refValue), on the same grid. */
async function liverDice(outPath: string, referencePath: string, refValue: number): Promise<number> {
  const out = await readNifti(outPath);
  const ref = await readNifti(referencePath);
  assert.deepEqual(out.dims, ref.dims, 'segmentation is on the reference grid');
  for (let i = 0; i < 16; i++) assert.ok(Math.abs(out.affine[i] - ref.affine[i]) < 1e-3, `affine entry ${i}`);
  let inter = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < out.data.length; i++) {
    const p = out.data[i] === 1;
    const t = ref.data[i] === refValue;
    if (p) a++;
    if (t) b++;
    if (p && t) inter++;
  }
  return (2 * inter) / (a + b);
}

test('the bundled model card records training command, data hashes and figures by role (train A, selection B, no held-out)', async () => {
  const pkgDir = join(bundledModelsDir(), 'liver');
  const pkg = await loadModelPackage(pkgDir);
  const bytes = (await stat(pkg.modelPath)).size;
  assert.ok(bytes < 30 * 2 ** 20, `model.onnx is ${bytes} bytes`);
  const prov = pkg.card.provenance;
  assert.match(prov.trainingCommand ?? '', /^lobule train --workspace \S+ .*--name liver/);
  const ctHash = await sha256File(sharedData('totalsegmentator/example_ct.nii.gz'));
  assert.ok(prov.data?.includes(ctHash), 'card names the sha256 of patient A’s CT');
  const evaluations = prov.evaluations ?? [];
  assert.ok(
    evaluations.some((e) => e.role === 'train' && e.metric === 'dice' && e.caseIds.includes('example_ct')),
    'a train figure on patient A',
  );
  assert.ok(
    evaluations.some((e) => e.role === 'selection' && e.metric === 'dice' && e.caseIds.includes('example_ct_dicom')),
    'a selection figure on patient B',
  );
  assert.ok(!evaluations.some((e) => e.role === 'heldOut'), 'no held-out figure: both patients shaped the model');
  assert.ok(
    evaluations.every((e) => e.labelSource === 'model-generated:TotalSegmentator' && e.command),
    'label source and command of every figure',
  );
  assert.ok(existsSync(join(pkgDir, 'training.json')));
});

test('regression check, not a quality figure: `lobule segment` defaults to the bundled model; selection case B Dice ≥ 0.85', async () => {
  const out = join(dir, 'b.nii.gz');
  assert.equal(await runCli(['segment', sharedData('totalsegmentator/example_ct_dicom'), '-o', out, '--device', 'cpu']), 0);
  const d = await liverDice(out, sharedData('totalsegmentator/example_seg_dicom.nii.gz'), 5);
  assert.ok(d >= 0.85, `patient B liver Dice ${d.toFixed(4)}`);
});

test('regression check, not a quality figure: the bundled model’s Dice on patient A (its training scan) stays ≥ 0.90', async () => {
  const out = join(dir, 'a.nii.gz');
  assert.equal(await runCli(['segment', sharedData('totalsegmentator/example_ct.nii.gz'), '-o', out, '--device', 'cpu']), 0);
  const d = await liverDice(out, sharedData('totalsegmentator/example_seg_fast_force_split.nii.gz'), 5);
  assert.ok(d >= 0.9, `patient A liver Dice ${d.toFixed(4)}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { parseLabelMap } from '../../engine/workspace/labelmap.js';
import { readNifti } from '../../engine/io/nifti.js';
import { gridsEqual } from '../../engine/common/affine.js';
import { labelCounts } from '../../engine/common/crop.js';
import { inTempDir } from './helpers.js';
import { makeMsdDataset, makeNnunetDataset } from './datasets.js';

async function workspaceWithSplit(root: string): Promise<Workspace> {
  const ws = await Workspace.init(join(root, 'ws'));
  await ws.importPaths([await makeMsdDataset(root)], { labelMap: parseLabelMap('2:1') });
  await ws.importPaths([await makeNnunetDataset(root)], { labelMap: parseLabelMap('5:1,*:0') });
  await ws.setSplit('liver_0', 'train');
  await ws.setSplit('ts_001', 'val');
  await ws.setSplit('liver_7', 'test');
  return ws;
}

test('nnU-Net v2 export: folder layout, dataset.json fields and splits_final.json as nnU-Net documents them', async () => {
  await inTempDir(async (dir) => {
    const ws = await workspaceWithSplit(dir);
    const out = join(dir, 'export');
    const r = await ws.exportDataset('nnunet', out);
    const ds = join(out, 'nnUNet_raw', 'Dataset500_Lobule');
    assert.equal(r.datasetDir, ds);
    assert.deepEqual((await readdir(out)).sort(), ['README.txt', 'nnUNet_preprocessed', 'nnUNet_raw']);
    assert.deepEqual((await readdir(ds)).sort(), ['dataset.json', 'imagesTr', 'imagesTs', 'labelsTr']);
    assert.deepEqual((await readdir(join(ds, 'imagesTr'))).sort(), ['liver_0_0000.nii.gz', 'ts_001_0000.nii.gz']);
    assert.deepEqual((await readdir(join(ds, 'labelsTr'))).sort(), ['liver_0.nii.gz', 'ts_001.nii.gz']);
    assert.deepEqual(await readdir(join(ds, 'imagesTs')), ['liver_7_0000.nii.gz']);
    const dj = JSON.parse(await readFile(join(ds, 'dataset.json'), 'utf8'));
    assert.deepEqual(
      Object.keys(dj),
      ['channel_names', 'labels', 'numTraining', 'file_ending', 'name', 'description'],
      'the four required keys plus the optional name and description',
    );
    assert.deepEqual(dj.channel_names, { '0': 'CT' });
    assert.deepEqual(dj.labels, { background: 0, liver: 1 }, "names → consecutive ints, after the '2:1' map merged cancer into liver");
    assert.equal(dj.numTraining, 2);
    assert.equal(dj.file_ending, '.nii.gz');
    const splits = JSON.parse(await readFile(join(out, 'nnUNet_preprocessed', 'Dataset500_Lobule', 'splits_final.json'), 'utf8'));
    assert.deepEqual(splits, [{ train: ['liver_0'], val: ['ts_001'] }], 'a list of {train, val} identifier lists; test cases never appear');
    for (const id of ['liver_0', 'ts_001']) {
      const img = await readNifti(join(ds, 'imagesTr', `${id}_0000.nii.gz`));
      const lab = await readNifti(join(ds, 'labelsTr', `${id}.nii.gz`));
      assert.ok(gridsEqual(img, lab), `${id}: label and image share one grid, as nnU-Net requires`);
      assert.ok([...labelCounts(lab).keys()].every((v) => v === 0 || v === 1));
    }
    assert.deepEqual(r.left, [], 'every case went somewhere');

    const back = await Workspace.init(join(dir, 'roundtrip'));
    const imported = await back.importPaths([ds], { format: 'nnunet' });
    assert.deepEqual(
      imported.imported.map((c) => c.caseId),
      ['liver_0', 'ts_001', 'liver_7'],
    );
    for (const id of ['liver_0', 'ts_001']) {
      assert.deepEqual(back.getCase(id).labels[0].voxelCounts, ws.getCase(id).labels.at(-1)!.voxelCounts, `${id} survives export → import`);
      assert.deepEqual(back.getCase(id).geometry, ws.getCase(id).geometry);
    }
    await back.close();
    await assert.rejects(ws.exportDataset('nnunet', out), /export folder .* is not empty/);
    await ws.close();
  });
});

test('MSD export writes the Decathlon dataset.json with training pairs and test list; unverified cases are left out, said so', async () => {
  await inTempDir(async (dir) => {
    const ws = await workspaceWithSplit(dir);
    await ws.setStatus('ts_001', 'draft');
    const out = join(dir, 'msd');
    const r = await ws.exportDataset('msd', out, { name: 'Liver' });
    const dj = JSON.parse(await readFile(join(out, 'dataset.json'), 'utf8'));
    assert.equal(dj.name, 'Liver');
    assert.equal(dj.tensorImageSize, '3D');
    assert.deepEqual(dj.modality, { '0': 'CT' });
    assert.deepEqual(dj.labels, { '0': 'background', '1': 'liver' });
    assert.equal(dj.numTraining, 1);
    assert.equal(dj.numTest, 1);
    assert.deepEqual(dj.training, [{ image: './imagesTr/liver_0.nii.gz', label: './labelsTr/liver_0.nii.gz' }]);
    assert.deepEqual(dj.test, ['./imagesTs/liver_7.nii.gz']);
    assert.deepEqual(await readdir(join(out, 'imagesTr')), ['liver_0.nii.gz']);
    assert.deepEqual(JSON.parse(await readFile(join(out, 'splits_final.json'), 'utf8')), [{ train: ['liver_0'], val: [] }]);
    assert.deepEqual(r.left, [{ caseId: 'ts_001', reason: 'status draft is not exported for training' }]);
    const all = await ws.exportDataset('msd', join(dir, 'msd-all'), { statuses: ['verified', 'draft'] });
    assert.deepEqual(all.training, ['liver_0', 'ts_001']);
    await assert.rejects(
      ws.exportDataset('nnunet', join(dir, 'none'), { statuses: ['corrected'] }),
      /has no labelled train\/val case with status corrected to export/,
    );
    assert.deepEqual(await readdir(dir).then((names) => names.filter((n) => n.includes('none'))), [], 'a refused export leaves no folder');
    await ws.close();
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { parseLabelMap } from '../../engine/workspace/labelmap.js';
import { nibabelFacts, sharedData } from '../helpers/data.js';
import { inTempDir } from './helpers.js';
import { CT_SM, LIVER_SM, SEG_SPLIT, makeMsdDataset, makeNnunetDataset } from './datasets.js';

test('MSD import: labelled cases are verified, test images unlabelled; wrong-grid labels are refused with both geometries', async () => {
  await inTempDir(async (dir) => {
    const ds = await makeMsdDataset(dir);
    const ws = await Workspace.init(join(dir, 'ws'));
    const report = await ws.importPaths([ds]);
    assert.equal(report.format, 'msd');
    assert.deepEqual(
      report.imported.map((c) => [c.caseId, c.labelVersion]),
      [
        ['liver_0', 'v1'],
        ['liver_7', null],
      ],
    );
    assert.equal(report.skipped.length, 1);
    assert.match(report.skipped[0].path, /liver_3\.nii\.gz$/);
    assert.match(
      report.skipped[0].reason,
      /labels '.*liver_3\.nii\.gz' are not on the image's voxel grid: labels 122×101×112 voxels.*; image 122×101×30 voxels/,
    );
    assert.deepEqual(
      ws.cases().map((c) => c.id),
      ['liver_0', 'liver_7'],
      'the refused case left nothing behind',
    );
    assert.deepEqual((await readdir(join(ws.dir, 'images'))).sort(), ['liver_0.nii.gz', 'liver_7.nii.gz']);
    const s = ws.status();
    assert.deepEqual(s.byStatus, { unlabelled: 1, draft: 0, corrected: 0, verified: 1 });
    assert.deepEqual(s.bySplit, { train: 0, val: 0, test: 0, unassigned: 2 });
    assert.deepEqual(s.labelNames, { background: 0, liver: 1, cancer: 2 });
    const [v] = ws.labelHistory('liver_0');
    assert.equal(v.source, 'import');
    assert.equal(v.parent, null);
    assert.deepEqual(v.voxelCounts, nibabelFacts().files[LIVER_SM].label_counts);
    const img = await ws.readImage('liver_0');
    assert.deepEqual(img.dims, [122, 101, 30]);
    const again = await ws.importPaths([ds]);
    assert.equal(again.imported.length, 0);
    assert.ok(
      again.skipped.every((x) => /already imported as case|not on the image's voxel grid/.test(x.reason)),
      'importing the same dataset twice makes no duplicates',
    );
    await ws.close();
  });
});

test("nnU-Net v2 import with label map '5:1,*:0' keeps only TotalSegmentator's liver, as label 1", async () => {
  await inTempDir(async (dir) => {
    const ds = await makeNnunetDataset(dir);
    const ws = await Workspace.init(join(dir, 'ws'));
    const report = await ws.importPaths([ds], { labelMap: parseLabelMap('5:1,*:0'), labelStatus: 'draft' });
    assert.equal(report.format, 'nnunet');
    assert.deepEqual(
      report.imported.map((c) => c.caseId),
      ['ts_001'],
    );
    const c = ws.getCase('ts_001');
    assert.equal(c.status, 'draft');
    assert.deepEqual(c.geometry.dims, [122, 101, 112]);
    const counts = nibabelFacts().files[SEG_SPLIT].label_counts as Record<string, number>;
    assert.deepEqual(c.labels[0].voxelCounts, { '0': 122 * 101 * 112 - counts['5'], '1': counts['5'] });
    const labels = await ws.readLabel('ts_001');
    assert.equal(
      labels.data.reduce((n, x) => n + x, 0),
      counts['5'],
    );
    assert.deepEqual(ws.status().labelNames, { background: 0, liver: 1 }, "the map renames: 5 'liver' became 1, spleen was cleared");
    await ws.close();
  });
});

test('single files and a DICOM folder import as one case each, with unique ids', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(join(dir, 'ws'));
    const r1 = await ws.importPaths([sharedData(CT_SM), sharedData('dcmqi/ct-3slice')]);
    assert.deepEqual(r1.skipped, []);
    assert.deepEqual(
      r1.imported.map((c) => c.caseId),
      ['example_ct_sm', 'ct-3slice'],
    );
    const dicom = ws.getCase('ct-3slice');
    assert.match(dicom.origin, /ct-3slice#[\d.]+$/, 'the origin names the series');
    assert.deepEqual(dicom.geometry.dims, [512, 512, 3]);
    const copy = join(dir, 'example_ct_sm.nii.gz');
    await copyFile(sharedData(CT_SM), copy);
    const r2 = await ws.importPaths([copy]);
    assert.deepEqual(
      r2.imported.map((c) => c.caseId),
      ['example_ct_sm_2'],
    );
    await assert.rejects(ws.importPaths([join(dir, 'missing.nii.gz')]), /does not exist/);
    await ws.close();
  });
});

test('a label file added to an existing case becomes a new version whose parent is the previous one', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(join(dir, 'ws'));
    await ws.importPaths([await makeMsdDataset(dir)]);
    const v2 = await ws.importLabel('liver_0', sharedData('totalsegmentator/example_seg.nii.gz'), {
      labelMap: parseLabelMap('5:1,*:0'),
      status: 'draft',
    });
    assert.equal(v2.id, 'v2');
    assert.equal(v2.parent, 'v1');
    assert.equal(v2.voxelCounts['1'], 38634, "TotalSegmentator's liver (5) of example_seg, now 1");
    assert.equal(ws.getCase('liver_0').status, 'draft');
    await assert.rejects(ws.importLabel('liver_0', sharedData(SEG_SPLIT)), /are not on the image's voxel grid/);
    assert.equal(ws.labelHistory('liver_0').length, 2);
    await ws.close();
  });
});

test('NRRD labels in LPS order are put onto a DICOM case; a DICOM SEG file imports too', async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(join(dir, 'ws'));
    const r = await ws.importPaths([sharedData('dcmqi/ct-3slice')]);
    const id = r.imported[0].caseId;
    const fromNrrd = await ws.importLabel(id, sharedData('dcmqi/liver_seg.nrrd'));
    assert.ok(fromNrrd.voxelCounts['1'] > 0, 'the NRRD liver lands on the case grid');
    const fromSeg = await ws.importLabel(id, sharedData('dcmqi/liver.dcm'), { source: 'import' });
    // Voxel for voxel the same annotation, so the second import is an idempotent save: no new version.
    assert.equal(fromSeg.unchanged, true, 'DICOM SEG and NRRD of the same annotation agree voxel for voxel');
    assert.equal(fromSeg.id, fromNrrd.id);
    assert.deepEqual(fromSeg.voxelCounts, fromNrrd.voxelCounts);
    await ws.close();
  });
});

test("a new workspace adopts a dataset's label names; a later dataset that disagrees is reported, not silently renamed", async () => {
  await inTempDir(async (dir) => {
    const ws = await Workspace.init(join(dir, 'ws'));
    await ws.importPaths([await makeNnunetDataset(dir)]);
    assert.deepEqual(ws.status().labelNames, { background: 0, spleen: 1, liver: 5 });
    const r = await ws.importPaths([await makeMsdDataset(dir)]);
    assert.ok(
      r.notices.includes("the dataset calls label 1 'liver' but the workspace calls it 'spleen'; kept 'spleen'"),
      r.notices.join('\n'),
    );
    assert.deepEqual(ws.status().labelNames, { background: 0, spleen: 1, liver: 5, cancer: 2 });
    await ws.close();
  });
});

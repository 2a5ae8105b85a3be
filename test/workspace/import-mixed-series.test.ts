/**
 * A DICOM folder holding two series, one of them without a SeriesInstanceUID (TotalSegmentator's example series
 * has none), imported by its host path: each series becomes its own case (`<folder>_s1`, `_s2`), as the importer
 * promises for every multi-series folder; the UID-less one was once refused as "holds 2 image series".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Workspace } from '../../engine/workspace/workspace.js';
import { sharedData } from '../helpers/data.js';
import { inTempDir } from './helpers.js';

test('a DICOM folder with a UID-less series and a second series imports as two cases, one per series', async () => {
  await inTempDir(async (dir) => {
    const mixed = join(dir, 'mixed');
    await mkdir(mixed);
    for (const series of ['totalsegmentator/example_ct_dicom', 'dcmqi/ct-3slice']) {
      const from = sharedData(series);
      for (const name of await readdir(from)) await copyFile(join(from, name), join(mixed, name));
    }
    const ws = await Workspace.init(join(dir, 'ws'));
    const report = await ws.importPaths([mixed]);
    assert.deepEqual(report.skipped, []);
    const dims = ws
      .cases()
      .map((c) => `${c.id} ${c.geometry.dims.join('×')}`)
      .sort();
    assert.deepEqual(dims, ['mixed_s1 512×512×3', 'mixed_s2 512×512×20'].sort());
  });
});

/**
 * A workspace import of a DICOM folder with a damaged file and a non-DICOM file in it: the series is imported from
 * the rest and the report names each left-out file with its reason (none vanishes silently).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { CT3 } from './dicom-derive.js';

const tmp = mkdtempSync(join(tmpdir(), 'lobule-dicom-import-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('importing a DICOM folder with a damaged and a non-DICOM file imports the series and names both skipped files', async () => {
  const dir = join(tmp, 'study');
  mkdirSync(dir);
  for (const p of CT3) writeFileSync(join(dir, p.slice(-6)), readFileSync(sharedData(p)));
  const damaged = Buffer.from(readFileSync(sharedData(CT3[0])).subarray(0, 1500));
  damaged.writeUInt32LE(0xfffffff0, 400);
  writeFileSync(join(dir, 'broken.dcm'), damaged);
  writeFileSync(join(dir, 'report.pdf'), '%PDF-1.4 not an image');
  const ws = await Workspace.init(join(tmp, 'ws'));
  try {
    const report = await ws.importPaths([dir]);
    assert.equal(report.imported.length, 1);
    assert.deepEqual(ws.getCase(report.imported[0].caseId).geometry.dims, [512, 512, 3]);
    const notices = report.notices.join('\n');
    assert.match(notices, /broken\.dcm was skipped: damaged DICOM file/);
    assert.match(notices, /report\.pdf was skipped: not a DICOM file/);
    assert.doesNotMatch(notices, /object Object/);
  } finally {
    await ws.close();
  }
});

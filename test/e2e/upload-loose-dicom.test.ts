/**
 * Issue 17's upload, what the user sees in Chromium against the real `lobule serve`: DICOM files of two series
 * picked with Files… (no folder) become one case per series, listed under the series' names (not "DICOM"), and
 * every uploaded case, a held-back file imported with "It is an image" too, records what was uploaded as its origin,
 * never the host's staging folder.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sharedData } from '../helpers/data.js';
import { openE2eSession, RESULTS, skipWithoutChromium, type E2eSession } from './helpers/session.js';
import { readManifest } from './helpers/workspace.js';

async function caseRows(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid=case-list] > li[data-testid^=case-]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
}

/** Picks `files` with the import form's Files… chooser and waits for the import's report; answers its outcome. */
async function pickFiles(page: Page, files: string[]): Promise<string> {
  const close = page.locator('[data-testid=import-report] button[aria-label="Close the report"]');
  if (await close.isVisible()) await close.click();
  const chooser = page.waitForEvent('filechooser');
  await page.locator('label:has([data-testid=upload-files])').click();
  await (await chooser).setFiles(files);
  const report = page.getByTestId('import-report');
  await report.waitFor({ timeout: 180_000 });
  return (await report.getAttribute('data-outcome')) ?? '';
}

describe('issue 17: loose DICOM files and uploaded origins (Chromium)', { skip: skipWithoutChromium }, () => {
  let s: E2eSession;
  const origins = async (): Promise<Map<string, string>> => new Map((await readManifest(s.ws.dir)).cases.map((c) => [c.id, c.origin]));
  before(async () => {
    s = await openE2eSession();
    await s.page.locator('[data-testid=import-section] > summary').click();
  });
  after(() => s?.close());

  it('lists DICOM files of two series picked without their folder as two cases named from their series', async () => {
    const before = await caseRows(s.page);
    const files: string[] = [];
    for (const dir of [sharedData('totalsegmentator/example_ct_dicom'), sharedData('dcmqi/ct-3slice')])
      for (const name of await readdir(dir)) files.push(join(dir, name));
    assert.equal(await pickFiles(s.page, files), 'ok', await s.page.getByTestId('import-report').innerText());
    const added = (await caseRows(s.page)).filter((r) => !before.includes(r)).sort();
    assert.deepEqual(added, ['case-99000_2', 'case-CT_Body_3.0'], 'PatientID_SeriesNumber and SeriesDescription');
    for (const id of ['CT_Body_3.0', '99000_2']) {
      const row = s.page.locator(`[data-testid=case-${id.replaceAll('.', '\\.')}] button.case-name`);
      assert.match(await row.innerText(), new RegExp(`^${id.replaceAll('.', '\\.')}`), `the list shows ${id}`);
    }
    await s.page.getByTestId('case-list').screenshot({ path: join(RESULTS, 'upload-loose-dicom-list.png') });
    await s.page.screenshot({ path: join(RESULTS, 'upload-loose-dicom.png') });
    const o = await origins();
    assert.match(o.get('CT_Body_3.0') ?? '', /^upload: 20 files \(CT\.[\d.]+, …\), series 'CT Body 3\.0'$/);
    assert.match(o.get('99000_2') ?? '', /^upload: 3 files \(0\d\.dcm, …\), series #2$/);
  });

  it('"It is an image" on a held-back uploaded file records the uploaded name as the case origin', async () => {
    const before = await caseRows(s.page);
    assert.equal(await pickFiles(s.page, [sharedData('totalsegmentator/example_seg_fast/liver.nii.gz')]), 'question');
    await s.page.locator('[data-testid=import-as-image]').click();
    await s.page.locator('[data-testid=case-liver]').waitFor({ timeout: 120_000 });
    assert.deepEqual(
      (await caseRows(s.page)).filter((r) => !before.includes(r)),
      ['case-liver'],
    );
    assert.equal((await origins()).get('liver'), 'upload: liver.nii.gz');
    const manifest = JSON.stringify(await readManifest(s.ws.dir));
    assert.ok(!manifest.includes('.upload-staging'), 'no case names the staging folder');
  });
});

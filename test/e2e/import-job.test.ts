/**
 * Issue 15 in real Chromium against the real `lobule serve`: an import typed into the import form runs as a job,
 * shows "paths done / total, current name" with a Cancel button; Cancel adds no case; a second import ends with
 * the report as before.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readManifest } from './helpers/workspace.js';
import { openE2eSession, RESULTS, skipWithoutChromium as skip, type E2eSession } from './helpers/session.js';
import { sharedData } from '../helpers/data.js';

const SLOW_DICOM = sharedData('totalsegmentator/example_ct_dicom'); // seconds to decode: time to see and cancel

const caseCount = async (dir: string): Promise<number> => (await readManifest(dir)).cases.length;

describe('issue 15: the import form runs an import job with progress and Cancel (Chromium + lobule serve)', { skip }, () => {
  let session: E2eSession;
  let page: Page;

  before(async () => {
    session = await openE2eSession();
    page = session.page;
    await page.locator('[data-testid=import-section] > summary').click();
  });
  after(() => session?.close());

  it('shows the current path with a Cancel button; Cancel adds no case', async () => {
    const before = await caseCount(session.ws.dir);
    await page.getByLabel('Path to import').fill(`${SLOW_DICOM}; ${sharedData('totalsegmentator/example_ct_sm.nii.gz')}`);
    await page.getByTestId('import-run').click();
    const progress = page.getByTestId('import-progress');
    await progress.getByText('0/2 example_ct_dicom').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS, 'e2e-import-job-progress.png') });
    await page.getByTestId('import-cancel').click();
    await progress.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await caseCount(session.ws.dir), before, 'a cancelled import adds no case');
    await page.getByText('No case was added').first().waitFor({ timeout: 10_000 });
  });

  it('a second import ends with the report as before', async () => {
    const before = await caseCount(session.ws.dir);
    await page.getByLabel('Path to import').fill(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
    await page.getByTestId('import-run').click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });
    assert.equal(await report.getAttribute('data-outcome'), 'ok');
    assert.equal(await caseCount(session.ws.dir), before + 1);
    await page.screenshot({ path: join(RESULTS, 'e2e-import-job-report.png') });
  });
});

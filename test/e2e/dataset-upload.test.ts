/**
 * Issue 17 in real Chromium against the real `lobule serve`: in a browser the import form uploads what the user
 * picks (a DICOM folder through the folder chooser, a NIfTI through the file chooser, files dropped on it), the
 * host imports them as a job, the cases appear in the dataset list, and the upload folder is gone afterwards. The
 * DICOM case opens with the series' own window (WindowCenter/Width), the NIfTI one with the Abdomen preset. Each row
 * shows the case's split, status and the labels present.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { sharedData } from '../helpers/data.js';
import { waitForOpenCase } from './helpers/probe.js';
import { openE2eSession, RESULTS, skipWithoutChromium, type E2eSession } from './helpers/session.js';

const DICOM_DIR = sharedData('totalsegmentator/example_ct_dicom');
const NIFTI = sharedData('totalsegmentator/example_ct.nii.gz');

async function caseRows(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid=case-list] > li[data-testid^=case-]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
}

/** Waits for the import report of the upload that was just started, and returns its outcome. */
async function reportOutcome(page: Page): Promise<string> {
  const report = page.locator('[data-testid=import-report]');
  await report.waitFor({ timeout: 180_000 });
  return (await report.getAttribute('data-outcome')) ?? '';
}

async function closeReport(page: Page): Promise<void> {
  const close = page.locator('[data-testid=import-report] button[aria-label="Close the report"]');
  if (await close.isVisible()) await close.click();
}

describe('issue 17: uploading files to lobule serve from the import form (Chromium)', { skip: skipWithoutChromium }, () => {
  let s: E2eSession;
  const leftovers = async (): Promise<string[]> => {
    const dir = join(s.ws.dir, '.upload-staging');
    return existsSync(dir) ? readdir(dir) : [];
  };

  before(async () => {
    s = await openE2eSession();
    await s.page.locator('[data-testid=import-section] > summary').click();
  });
  after(() => s?.close());

  it("shows each case's split, status and labels, and filters and sorts the list by them", async () => {
    const row = (id: string) => s.page.getByTestId(`case-${id}`);
    const facts = async (id: string) => ({
      status: await s.page.getByTestId(`status-${id}`).innerText(),
      split: await s.page.getByTestId(`split-${id}`).inputValue(),
      labels: await s.page.getByTestId(`labels-${id}`).innerText(),
    });
    assert.deepEqual(await facts('caseA'), { status: 'verified', split: 'train', labels: 'liver' });
    assert.deepEqual(await facts('caseB'), { status: 'unlabelled', split: 'unassigned', labels: 'no labels' });
    assert.deepEqual(await facts('caseC'), { status: 'verified', split: 'val', labels: 'liver' });
    await s.page.getByLabel('Status filter').selectOption('unlabelled');
    assert.deepEqual(await caseRows(s.page), ['case-caseB']);
    await s.page.getByLabel('Status filter').selectOption('all');
    await s.page.getByLabel('Split filter').selectOption('val');
    assert.deepEqual(await caseRows(s.page), ['case-caseC']);
    await s.page.getByLabel('Split filter').selectOption('all');
    await s.page.getByLabel('Sort by').selectOption('split');
    assert.deepEqual(await caseRows(s.page), ['case-caseA', 'case-caseC', 'case-caseB']);
    await row('caseA').screenshot({ path: join(RESULTS, 'dataset-row-caseA.png') });
    await s.page.locator('[data-testid=dataset-panel]').screenshot({ path: join(RESULTS, 'dataset-list.png') });
    await s.page.getByLabel('Sort by').selectOption('name');
  });

  it('uploads a DICOM series through the folder chooser; it becomes a case and the upload folder is removed', async () => {
    const before = await caseRows(s.page);
    const chooser = s.page.waitForEvent('filechooser');
    await s.page.locator('label:has([data-testid=upload-folder])').click();
    await (await chooser).setFiles(DICOM_DIR);
    assert.equal(await reportOutcome(s.page), 'ok');
    await s.page.screenshot({ path: join(RESULTS, 'dataset-upload-dicom.png') });
    const added = (await caseRows(s.page)).filter((r) => !before.includes(r));
    assert.deepEqual(added, ['case-example_ct_dicom']);
    for (let t = 0; t < 40 && (await leftovers()).length; t++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await leftovers(), []);
  });

  it('uploads a NIfTI through the file chooser and it appears in the dataset list', async () => {
    await closeReport(s.page);
    const before = await caseRows(s.page);
    const chooser = s.page.waitForEvent('filechooser');
    await s.page.locator('label:has([data-testid=upload-files])').click();
    await (await chooser).setFiles(NIFTI);
    assert.equal(await reportOutcome(s.page), 'ok');
    const added = (await caseRows(s.page)).filter((r) => !before.includes(r));
    assert.deepEqual(added, ['case-example_ct']);
    await s.page.locator('[data-testid=case-example_ct]').scrollIntoViewIfNeeded();
    await s.page.screenshot({ path: join(RESULTS, 'dataset-upload-nifti.png') });
  });

  it('opens the uploaded DICOM case with its own window (W 300 L 40) and the NIfTI case with the Abdomen preset', async () => {
    for (const [caseId, wl] of [
      ['example_ct_dicom', 'W 300 / L 40'],
      ['example_ct', 'W 400 / L 40'],
    ]) {
      const opens = await s.page.evaluate(() => lobuleProbe.stats.openMs.length);
      await s.page.locator(`[data-testid=case-${caseId}] button.case-name`).click();
      await waitForOpenCase(s.page, caseId, { opens: opens + 1, settleMs: 500 });
      assert.equal(await s.page.getByTestId('status-wl').innerText(), wl, caseId);
      assert.equal(await s.page.getByTestId('wl-axial').innerText(), wl.replace(' /', ''), caseId);
      await s.page.screenshot({ path: join(RESULTS, `dataset-upload-open-${caseId}.png`) });
    }
  });

  it('uploads a file dropped on the drop zone, showing byte progress while it sends', async () => {
    await closeReport(s.page);
    const before = await caseRows(s.page);
    const bytes = (await readFile(sharedData('totalsegmentator/example_seg_fast/liver.nii.gz'))).toString('base64');
    const sawProgress = s.page
      .locator('[data-testid=upload-progress]')
      .waitFor({ timeout: 30_000 })
      .then(() => true);
    // a synthetic drop: the page builds the File, as the browser would from a dragged file
    await s.page.locator('[data-testid=upload-drop]').evaluate((zone, b64) => {
      // DOM types are not in the Node test program; these are the page's constructors.
      const page = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: unknown[], name: string) => unknown;
        DragEvent: new (type: string, init: object) => unknown;
      };
      const data = new page.DataTransfer();
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      data.items.add(new page.File([raw], 'dropped_liver.nii.gz'));
      (zone as unknown as { dispatchEvent(e: unknown): void }).dispatchEvent(
        new page.DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    }, bytes);
    assert.ok(await sawProgress);
    // a segmentation looks like a label map: the import holds it back and asks (the upload itself succeeded)
    assert.equal(await reportOutcome(s.page), 'question');
    const report = await s.page.locator('[data-testid=import-label-like]').innerText();
    assert.match(report, /^dropped_liver\.nii\.gz:/, 'the report names the file as dropped, not by its host path');
    assert.deepEqual(
      (await caseRows(s.page)).filter((r) => !before.includes(r)),
      [],
    );
    await s.page.screenshot({ path: join(RESULTS, 'dataset-upload-drop.png') });
    // "It is an image" imports the held-back file from where the upload left it
    await s.page.locator('[data-testid=import-as-image]').click();
    await s.page.locator('[data-testid=case-dropped_liver]').waitFor({ timeout: 120_000 });
  });
  it('Cancel during a slow upload stops it: no case is added and the host keeps none of the files', async () => {
    await closeReport(s.page);
    const before = await caseRows(s.page);
    // the dropped file's upload may still be kept for its held-back question: only a new folder would be a leftover
    const kept = await leftovers();
    // 3 MB at 256 kB/s: seconds of upload, time to see the progress and press Cancel
    const cdp = await s.page.context().newCDPSession(s.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 << 10 });
    try {
      const chooser = s.page.waitForEvent('filechooser');
      await s.page.locator('label:has([data-testid=upload-folder])').click();
      await (await chooser).setFiles(DICOM_DIR);
      await s.page.getByTestId('upload-progress').waitFor({ timeout: 30_000 });
      await s.page.screenshot({ path: join(RESULTS, 'dataset-upload-progress.png') });
      await s.page.getByTestId('upload-cancel').click();
      await s.page.getByText('No case was added').waitFor({ timeout: 30_000 });
    } finally {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    }
    assert.deepEqual(
      (await caseRows(s.page)).filter((r) => !before.includes(r)),
      [],
    );
    const added = async () => (await leftovers()).filter((d) => !kept.includes(d));
    for (let t = 0; t < 40 && (await added()).length; t++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await added(), []);
  });
});

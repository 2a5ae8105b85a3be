/**
 * Issue 17's folder drop, end to end in real Chromium against the real `lobule serve`: a DICOM folder dragged from
 * the desktop onto the import form is walked through the browser's entry API (pickedFiles.fromDrop), uploaded file by
 * file with progress, imported as ONE series, and the case opens in the viewer with the series' dimensions and its
 * CT on screen. The drag is the browser's own (CDP Input.dispatchDragEvent with the folder's host path, what an OS
 * drag hands Chromium), not a DataTransfer built in the page, which could hold files but never a folder.
 * A single DICOM file, uploaded or imported by its host path, opens at its own window too, as its folder does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { sharedData } from '../helpers/data.js';
import { pixelStats } from './helpers/pixels.js';
import { waitForOpenCase } from './helpers/probe.js';
import { openE2eSession, RESULTS, skipWithoutChromium, type E2eSession } from './helpers/session.js';

const DICOM_DIR = sharedData('totalsegmentator/example_ct_dicom');

async function caseRows(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid=case-list] > li[data-testid^=case-]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
}

/** Drags the host folder `dir` onto the centre of `target` and drops it, as an OS file manager's drag would. */
async function dropFolder(page: Page, cdp: CDPSession, target: string, dir: string): Promise<void> {
  const box = await page.locator(target).boundingBox();
  assert.ok(box, `${target} is on screen`);
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const data = { items: [], files: [dir], dragOperationsMask: 1 }; // 1: copy
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
}

describe('issue 17: a DICOM folder dropped on the import form (Chromium)', { skip: skipWithoutChromium }, () => {
  let s: E2eSession;
  before(async () => {
    s = await openE2eSession();
    await s.page.locator('[data-testid=import-section] > summary').click();
  });
  after(() => s?.close());

  it('uploads the dropped folder with progress, imports it as one 512×512×20 case, and the viewer shows its CT', async () => {
    const before = await caseRows(s.page);
    const sawProgress = s.page
      .getByTestId('upload-progress')
      .waitFor({ timeout: 60_000 })
      .then(() => true);
    const cdp = await s.page.context().newCDPSession(s.page);
    await dropFolder(s.page, cdp, '[data-testid=upload-drop]', DICOM_DIR);
    assert.ok(await sawProgress, 'the upload shows its progress');
    const report = s.page.getByTestId('import-report');
    await report.waitFor({ timeout: 180_000 });
    assert.equal(await report.getAttribute('data-outcome'), 'ok', await report.innerText());
    const added = (await caseRows(s.page)).filter((r) => !before.includes(r));
    assert.deepEqual(added, ['case-example_ct_dicom'], 'the 20 files of the folder became one case named after it');
    assert.match(await report.innerText(), /1 case/);

    const opens = await s.page.evaluate(() => lobuleProbe.stats.openMs.length);
    await s.page.locator('[data-testid=case-example_ct_dicom] button.case-name').click();
    await waitForOpenCase(s.page, 'example_ct_dicom', { opens: opens + 1, settleMs: 800 });
    const status = await s.page.locator('footer.statusbar').innerText();
    assert.match(status, /512 × 512 × 20 · 0\.\d+ × 0\.\d+ × \d\.\d+ mm/, status);
    assert.equal(await s.page.getByTestId('status-wl').innerText(), 'W 300 / L 40', 'the series opens at its own window');
    // A 512² CT slice at its window fills most of the axial view with tissue grey, not black.
    const axial = await pixelStats(s.page, s.page.getByTestId('viewport-axial'));
    assert.ok(axial.nonBlack > 0.25, `axial view shows the CT (non-black fraction ${axial.nonBlack.toFixed(3)})`);
    assert.ok(axial.mean > 25, `axial view mean luminance ${axial.mean.toFixed(1)}`);
    await s.page.screenshot({ path: join(RESULTS, 'upload-folder-drop.png') });
    const staging = join(s.ws.dir, '.upload-staging');
    for (let t = 0; t < 40 && (await readdir(staging).catch(() => [])).length; t++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await readdir(staging).catch(() => []), [], 'the upload folder is removed after the import');
  });

  /** Waits for the import's report, then opens the one case it added to the list (rows `before` were there already). */
  async function openImportedCase(before: readonly string[]): Promise<void> {
    const report = s.page.getByTestId('import-report');
    await report.waitFor({ timeout: 120_000 });
    assert.equal(await report.getAttribute('data-outcome'), 'ok', await report.innerText());
    const [added] = (await caseRows(s.page)).filter((r) => !before.includes(r));
    assert.ok(added, 'the file became a case');
    const opens = await s.page.evaluate(() => lobuleProbe.stats.openMs.length);
    await s.page.getByTestId(added).locator('button.case-name').click();
    await waitForOpenCase(s.page, added.slice('case-'.length), { opens: opens + 1, settleMs: 500 });
  }

  it('opens a single DICOM file picked with Files… at its own window (W 300 / L 40), not the Abdomen preset', async () => {
    await s.page.locator('[data-testid=import-report] button[aria-label="Close the report"]').click();
    const before = await caseRows(s.page);
    const [first] = (await readdir(DICOM_DIR)).sort();
    const chooser = s.page.waitForEvent('filechooser');
    await s.page.locator('label:has([data-testid=upload-files])').click();
    await (await chooser).setFiles(join(DICOM_DIR, first));
    await openImportedCase(before);
    assert.match(await s.page.locator('footer.statusbar').innerText(), /512 × 512 × 1 ·/);
    assert.equal(await s.page.getByTestId('status-wl').innerText(), 'W 300 / L 40');
    await s.page.screenshot({ path: join(RESULTS, 'upload-single-dicom-file.png') });
  });

  it('imports a single DICOM file by its host path as its whole series, opening at the series window', async () => {
    // The desktop app's Files… and the host-path field hand the host the file itself (no upload folder around it).
    await s.page.locator('[data-testid=import-report] button[aria-label="Close the report"]').click();
    const before = await caseRows(s.page);
    const [first] = (await readdir(DICOM_DIR)).sort();
    await s.page.getByLabel('Path to import').fill(join(DICOM_DIR, first));
    await s.page.getByTestId('import-run').click();
    await openImportedCase(before);
    assert.match(await s.page.locator('footer.statusbar').innerText(), /512 × 512 × 20 ·/);
    assert.equal(await s.page.getByTestId('status-wl').innerText(), 'W 300 / L 40');
    await s.page.screenshot({ path: join(RESULTS, 'import-single-dicom-path.png') });
  });
});

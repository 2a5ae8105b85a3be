/**
 * The workstation in real Chromium (SwiftShader WebGL2) against the real `lobule serve` on a temporary workspace
 * made from ../shared/data. One server and one browser for the file; the tests run in order and build on each
 * other's state (open → W/L → brush/undo → save → auto-segment → split → training), like a user session.
 * Screenshots: test-results/e2e-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readNifti } from '../../engine/io/nifti.js';
import { readManifest, type TempWorkspace } from './helpers/workspace.js';
import { changedFraction, pixelStats, pollPixels } from './helpers/pixels.js';
import { waitForOpenCase } from './helpers/probe.js';
import { dragInView } from './helpers/pointer.js';
import { openE2eSession, RESULTS, skipWithoutChromium as skip, type E2eSession } from './helpers/session.js';
import { sharedData } from '../helpers/data.js';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS, `e2e-${name}.png`) });
}

/** Waits until the case is open (`opens` opens done) and its first frame had time to render. */
const waitForCase = (page: Page, caseId: string, opens: number): Promise<void> => waitForOpenCase(page, caseId, { opens, settleMs: 700 });

/** Label files of a case from the workspace manifest. */
async function labelFiles(ws: TempWorkspace, caseId: string): Promise<{ id: string; file: string }[]> {
  return (await readManifest(ws.dir)).cases.find((c) => c.id === caseId)?.labels ?? [];
}

describe('workstation e2e (Chromium + lobule serve)', { skip }, () => {
  let session: E2eSession;
  let ws: TempWorkspace;
  let page: Page;

  before(async () => {
    session = await openE2eSession();
    ({ ws, page } = session);
  });
  after(() => session?.close());

  it('opens the first case on start and the axial view shows the CT (not blank)', async () => {
    await waitForCase(page, 'caseA', 1);
    const axial = page.getByTestId('viewport-axial');
    const stats = await pollPixels(page, axial, (p) => p.nonBlack > 0.2 && p.reddish > 0.01);
    await shot(page, '01-open');
    assert.ok(stats.nonBlack > 0.2, `axial view mostly black: ${stats.nonBlack}`);
    assert.ok(stats.reddish > 0.01, `no liver overlay visible: ${stats.reddish}`);
    assert.equal(await page.getByTestId('case-title').textContent(), 'caseA.nii.gz');
  });

  it('Hide labels hides the overlay in the 2D views and the 3D view alike', async () => {
    const axial = page.getByTestId('viewport-axial');
    const three = page.getByTestId('viewport-three');
    const shown3d = await pollPixels(page, three, (p) => p.reddish > 0.005, 30_000);
    assert.ok(shown3d.reddish > 0.005, `no label in the 3D view: ${shown3d.reddish}`);
    await page.getByRole('button', { name: 'Hide labels' }).click();
    const hidden2d = await pollPixels(page, axial, (p) => p.reddish < 0.002);
    const hidden3d = await pollPixels(page, three, (p) => p.reddish < shown3d.reddish * 0.5, 30_000);
    await shot(page, '01b-labels-hidden');
    assert.ok(hidden2d.reddish < 0.002, `2D overlay still visible: ${hidden2d.reddish}`);
    assert.ok(hidden3d.reddish < shown3d.reddish * 0.5, `3D label still visible: ${shown3d.reddish} → ${hidden3d.reddish}`);
    await page.getByRole('button', { name: 'Show labels' }).click();
    await pollPixels(page, axial, (p) => p.reddish > 0.01);
  });

  it('a W/L preset changes the displayed pixels', async () => {
    const axial = page.getByTestId('viewport-axial');
    const liver = await pixelStats(page, axial);
    await page.getByTestId('preset-lung').click();
    const lung = await pollPixels(page, axial, (p) => changedFraction(liver, p) > 0.1);
    await shot(page, '02-lung-window');
    assert.ok(changedFraction(liver, lung) > 0.1, `lung window changed only ${changedFraction(liver, lung)} of the pixels`);
    assert.ok(lung.mean > liver.mean, 'the lung window (L -600) shows soft tissue brighter than the liver window');
    await page.getByTestId('preset-liver').click();
  });

  it('outline mode, the 1×1 layout and the shortcut help overlay', async () => {
    const axial = page.getByTestId('viewport-axial');
    const filled = await pixelStats(page, axial);
    await page.keyboard.press('o');
    const outlined = await pollPixels(page, axial, (p) => p.reddish < filled.reddish * 0.7);
    assert.ok(
      outlined.reddish < filled.reddish * 0.7,
      `outline mode shows less red than the fill: ${filled.reddish} → ${outlined.reddish}`,
    );
    assert.ok(outlined.reddish > 0, 'the outline is drawn');
    const small = await axial.boundingBox();
    await page.getByTestId('layout-1x1').click();
    await page.waitForTimeout(500);
    const large = await axial.boundingBox();
    assert.ok(small && large && large.width > small.width * 1.5, 'the 1×1 layout gives the axial view the whole viewer');
    await page.keyboard.press('?');
    await page.getByTestId('help').waitFor();
    await shot(page, '02b-outline-1x1-help');
    assert.match((await page.getByTestId('help').textContent()) ?? '', /Ctrl\+Z/);
    await page.keyboard.press('Escape');
    await page.getByTestId('layout-2x2').click();
    await page.keyboard.press('o');
    await page.waitForTimeout(500);
  });

  it('crosshairs: a click in the axial view moves the sagittal and coronal slices', async () => {
    const sagittal = page.getByTestId('viewport-sagittal');
    const coronal = page.getByTestId('viewport-coronal');
    const [sag0, cor0] = [await pixelStats(page, sagittal), await pixelStats(page, coronal)];
    await page.getByTestId('tool-crosshairs').click();
    const box = await page.getByTestId('viewport-axial').boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.35);
    const sag1 = await pollPixels(page, sagittal, (p) => changedFraction(sag0, p) > 0.02);
    const cor1 = await pollPixels(page, coronal, (p) => changedFraction(cor0, p) > 0.02);
    await shot(page, '02c-crosshairs');
    assert.ok(changedFraction(sag0, sag1) > 0.02, 'the sagittal slice moved');
    assert.ok(changedFraction(cor0, cor1) > 0.02, 'the coronal slice moved');
    await page.getByTestId('tool-windowLevel').click();
  });

  it('a failed import is shown as an error that names the path and the fix', async () => {
    await page.getByText('Import', { exact: true }).first().click();
    await page.getByLabel('Path to import').fill('/nonexistent/scan.nii.gz');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const toast = page.getByTestId('toast-error').last();
    await toast.waitFor({ timeout: 20_000 });
    await shot(page, '02d-import-error');
    assert.match((await toast.textContent()) ?? '', /\/nonexistent\/scan\.nii\.gz/);
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    // The same form with a real file adds a case to the list.
    await page.getByLabel('Path to import').fill(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('case-example_ct_sm').waitFor({ timeout: 30_000 });
  });

  let painted = 0;
  let before1 = 0;
  it('a mouse-drag brush stroke changes labelmap voxels, and Ctrl+Z reverts them', async () => {
    before1 = await page.evaluate(() => lobuleProbe.voxelCount(1));
    const shownBefore = await pixelStats(page, page.getByTestId('viewport-axial'));
    await page.getByTestId('tool-brush').click();
    // The body's left side (image right) at mid-height: soft tissue outside the liver.
    await dragInView(page, 'viewport-axial', [0.62, 0.45], [0.74, 0.45], 12);
    const afterStroke = await page.evaluate(() => lobuleProbe.voxelCount(1));
    painted = afterStroke - before1;
    await page.waitForTimeout(300);
    await shot(page, '03-brush-stroke');
    assert.ok(painted > 20, `the stroke painted only ${painted} voxels`);
    assert.match((await page.locator('.statusbar').textContent()) ?? '', /W 600 \/ L 0/, 'painting does not drag the window/level');
    const shownAfter = await pollPixels(page, page.getByTestId('viewport-axial'), (p) => p.reddish > shownBefore.reddish);
    assert.ok(
      shownAfter.reddish > shownBefore.reddish,
      `the stroke is not visible: reddish ${shownBefore.reddish} → ${shownAfter.reddish}`,
    );
    assert.equal(await page.evaluate(() => lobuleProbe.dirty()), true);
    await page.keyboard.press('Control+z');
    assert.equal(await page.evaluate(() => lobuleProbe.voxelCount(1)), before1, 'undo restores the voxel count');
    assert.equal(await page.evaluate(() => lobuleProbe.dirty()), false, 'undone back to the saved labels: nothing unsaved');
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await page.evaluate(() => lobuleProbe.voxelCount(1)), afterStroke, 'redo re-applies the stroke');
  });

  it('Save writes a new label version on disk with the painted voxels added', async () => {
    const versionsBefore = await labelFiles(ws, 'caseA');
    await page.getByTestId('save').click();
    await page.waitForFunction(() => !lobuleProbe.dirty(), null, { timeout: 30_000 });
    await page.getByTestId('save-state').filter({ hasText: 'All changes saved' }).waitFor();
    await shot(page, '04-saved');
    const versions = await labelFiles(ws, 'caseA');
    assert.equal(versions.length, versionsBefore.length + 1);
    const newest = versions.at(-1);
    assert.ok(newest);
    assert.equal(await page.evaluate(() => lobuleProbe.baseVersion()), newest.id);
    const vol = await readNifti(join(ws.dir, newest.file));
    let ones = 0;
    for (let i = 0; i < vol.data.length; i++) if (vol.data[i] === 1) ones++;
    assert.equal(ones, before1 + painted, 'the saved file holds the painted voxels');
    // Saving a hand edit makes the case "corrected"; Verify marks it verified again (training reads verified).
    await page.getByTestId('status-caseA').filter({ hasText: 'corrected' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('verify').click();
    await page.getByTestId('status-caseA').filter({ hasText: 'verified' }).waitFor({ timeout: 10_000 });
  });

  it('the threshold brush paints only voxels inside its HU range', async () => {
    const stroke = async (): Promise<number> => {
      const before = await page.evaluate(() => lobuleProbe.voxelCount(1));
      await dragInView(page, 'viewport-axial', [0.62, 0.6], [0.7, 0.6], 8);
      return (await page.evaluate(() => lobuleProbe.voxelCount(1))) - before;
    };
    await page.keyboard.press('t');
    await page.getByLabel('HU from').fill('2000');
    await page.getByLabel('to', { exact: true }).fill('3000');
    assert.equal(await stroke(), 0, 'no soft tissue lies in 2000..3000 HU');
    await page.getByLabel('HU from').fill('-1000');
    const painted = await stroke();
    assert.ok(painted > 0, 'the same stroke paints with a range that includes soft tissue');
    await shot(page, '04b-threshold-brush');
    await page.keyboard.press('Control+z');
    assert.equal(await page.evaluate(() => lobuleProbe.dirty()), false);
    await page.keyboard.press('w');
  });

  it('auto-segment with a model, accepted, produces an overlay on an unlabelled case (a draft version)', async () => {
    await page.getByTestId('case-caseB').getByRole('button').first().click();
    await waitForCase(page, 'caseB', 2);
    const axial = page.getByTestId('viewport-axial');
    const empty = await pixelStats(page, axial);
    assert.equal(await page.evaluate(() => lobuleProbe.voxelCount(1)), 0, 'caseB starts without labels');
    // The bundled liver model is active by default; this test runs the workspace's fast threshold model.
    await page.getByTestId('segment-model').selectOption('threshold');
    await page.getByTestId('segment-run').click();
    // The result is a proposal beside the labels (test/e2e/labels.test.ts covers it); Accept loads it as a draft.
    await page.getByTestId('proposal-accept-inline').click({ timeout: 120_000 });
    await page.waitForFunction(() => lobuleProbe.voxelCount(1) > 0, null, { timeout: 120_000 });
    const segmented = await pollPixels(page, axial, (p) => p.reddish > empty.reddish + 0.002);
    await shot(page, '05-auto-segment');
    assert.ok(segmented.reddish > empty.reddish + 0.002, `overlay not visible: reddish ${empty.reddish} → ${segmented.reddish}`);
    await page.getByTestId('status-caseB').filter({ hasText: 'draft' }).waitFor({ timeout: 10_000 });
  });

  it('Keep largest island cleans the model result in one undoable step, and Save keeps it', async () => {
    const drafted = await page.evaluate(() => lobuleProbe.voxelCount(1));
    await page.getByTestId('op-largest-island').click();
    const kept = await page.evaluate(() => lobuleProbe.voxelCount(1));
    assert.ok(kept > 0 && kept < drafted, `largest island ${kept} of ${drafted} voxels`);
    await page.keyboard.press('Control+z');
    assert.equal(await page.evaluate(() => lobuleProbe.voxelCount(1)), drafted);
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => !lobuleProbe.dirty(), null, { timeout: 30_000 });
    await page.waitForTimeout(300);
    await shot(page, '05b-largest-island');
    const newest = (await labelFiles(ws, 'caseB')).at(-1);
    assert.ok(newest);
    const vol = await readNifti(join(ws.dir, newest.file));
    let ones = 0;
    for (let i = 0; i < vol.data.length; i++) if (vol.data[i] === 1) ones++;
    assert.equal(ones, kept);
  });

  it('a split change persists after a reload', async () => {
    await page.getByTestId('split-caseB').selectOption('val');
    await page.waitForTimeout(500);
    await page.reload();
    await waitForCase(page, 'caseB', 1);
    await shot(page, '06-split-after-reload');
    assert.equal(await page.getByTestId('split-caseB').inputValue(), 'val');
    assert.equal(await page.getByTestId('case-title').textContent(), 'caseB.nii.gz', 'the last open case is reopened');
  });

  it('unsaved edits are autosaved, offered back after a reload, and guard a case switch', async () => {
    const start = await page.evaluate(() => lobuleProbe.voxelCount(1));
    await page.getByTestId('tool-brush').click();
    await dragInView(page, 'viewport-axial', [0.4, 0.3], [0.48, 0.3], 8);
    const edited = await page.evaluate(() => lobuleProbe.voxelCount(1));
    assert.ok(edited > start);
    await page.waitForFunction(() => lobuleProbe.journaled(), null, { timeout: 20_000 });
    await page.reload(); // as after a crash: the edits were never saved as a version
    await page.getByTestId('question').waitFor({ timeout: 30_000 });
    await shot(page, '07-restore-prompt');
    await page.getByTestId('answer-restore').click();
    await waitForCase(page, 'caseB', 1);
    assert.equal(await page.evaluate(() => lobuleProbe.voxelCount(1)), edited, 'the journal brings the edits back');
    assert.equal(await page.evaluate(() => lobuleProbe.dirty()), true, 'restored edits are still unsaved');
    await page.getByTestId('case-caseA').getByRole('button').first().click();
    await page.getByTestId('question').waitFor();
    await page.getByTestId('answer-cancel').click();
    assert.equal(await page.evaluate(() => lobuleProbe.caseId()), 'caseB', 'Cancel keeps the case open');
  });

  it('the training panel starts a short run and shows live curve points', async () => {
    await page.getByTestId('tab-training').click();
    await page.getByTestId('train-from').selectOption('scratch');
    await page.getByTestId('train-epochs').fill('1');
    await page.getByTestId('train-stepsPerEpoch').fill('3');
    await page.getByTestId('train-patch').fill('32');
    await page.getByTestId('train-start').click();
    // Two loss points, or an error toast (then the test fails with its text instead of timing out).
    await page.waitForFunction(
      () => {
        // DOM types are not in the Node test program; this is the page's document.
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } })
          .document;
        return (
          Number(doc.querySelector('[data-testid=curve-loss]')?.getAttribute('data-points') ?? 0) >= 2 ||
          doc.querySelector('[data-testid=toast-error]') !== null
        );
      },
      null,
      { timeout: 150_000 },
    );
    await shot(page, '08-training');
    const failure = await page.getByTestId('toast-error').allTextContents();
    assert.deepEqual(failure, [], 'no error is shown');
    const points = Number(await page.getByTestId('curve-loss').getAttribute('data-points'));
    assert.ok(points >= 2, `loss curve has ${points} points`);
  });

  it('a seeded split with a locked test share shows the test cases locked', async () => {
    await page.getByText('Seeded split').click();
    await page.getByLabel('test', { exact: true }).fill('0.25');
    await page.getByLabel('val', { exact: true }).fill('0.25');
    await page.getByLabel('lock the test split').check();
    await page.getByTestId('make-split').click();
    // Locking is permanent, so the app asks first.
    await page.getByTestId('answer-split').click();
    const locked = page.locator('.badge.locked');
    await locked.first().waitFor({ timeout: 20_000 });
    await shot(page, '09-seeded-split');
    assert.ok((await locked.count()) >= 1, 'at least one case is in the locked test split');
    // A locked case has no split picker: it cannot be moved from the UI.
    let lockedWithPicker = 0;
    for (const row of await page.locator('[data-testid=case-list] li').all()) {
      if ((await row.locator('.badge.locked').count()) > 0 && (await row.locator('select').count()) > 0) lockedWithPicker++;
    }
    assert.equal(lockedWithPicker, 0);
  });
});

/**
 * The viewer as a reader uses it, in real Chromium against the real `lobule serve`: orientation markers that
 * agree with the data for an LPS-stored file (aorta_report/ct_cropped) and a RAS-stored file (example_ct_sm),
 * the HU readout equal to the file's voxel value, slice keys, one W/L shared by the 2D views, layout switches
 * that keep each view's slice, and the ruler / ellipse ROI. Screenshots: test-results/viewer-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readNifti } from '../../engine/io/nifti.js';
import type { Volume } from '../../engine/common/volume.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { changedFraction, pixelStats, pollPixels } from './helpers/pixels.js';
import { dragInView } from './helpers/pointer.js';
import { openE2eSession, RESULTS, skipWithoutChromium as skip, type E2eSession } from './helpers/session.js';
import type { TempWorkspace } from './helpers/workspace.js';
import { sharedData } from '../helpers/data.js';

const LPS_FILE = sharedData('totalsegmentator/aorta_report/ct_cropped.nii.gz');
const RAS_FILE = sharedData('totalsegmentator/example_ct_sm.nii.gz');

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS, `viewer-${name}.png`) });
}

/** RAS+ world point of a voxel index (the file's own affine). */
function rasOf(vol: Volume, ijk: readonly number[]): number[] {
  const a = vol.affine;
  return [0, 1, 2].map((r) => a[r * 4] * ijk[0] + a[r * 4 + 1] * ijk[1] + a[r * 4 + 2] * ijk[2] + a[r * 4 + 3]);
}

/** Parses "(i, j, k) · v HU" from a view's readout. */
async function readoutAt(page: Page, view: string, fx: number, fy: number): Promise<{ ijk: number[]; hu: number }> {
  const box = await page.getByTestId(`viewport-${view}`).boundingBox();
  if (!box) throw new Error(`no ${view} viewport`);
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  // The readout follows the mouse on the next frame: wait until it names a voxel.
  const text = await waitForText(page, `readout-${view}`, /\(\d+, \d+, \d+\)/);
  const m = /\((\d+), (\d+), (\d+)\) · (-?[\d.]+) HU/.exec(text);
  if (!m) throw new Error(`unexpected readout "${text}"`);
  return { ijk: [Number(m[1]), Number(m[2]), Number(m[3])], hu: Number(m[4]) };
}

/** Polls a test id's text until it matches (the overlays follow the views on their next frame). */
async function waitForText(page: Page, testId: string, match: RegExp | string, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = (
      (await page
        .getByTestId(testId)
        .textContent()
        .catch(() => '')) ?? ''
    ).trim();
    if (typeof match === 'string' ? text.includes(match) : match.test(text)) return text;
    if (Date.now() > end) throw new Error(`${testId} reads "${text}", expected ${match}`);
    await page.waitForTimeout(100);
  }
}

/** Text Cornerstone drew into a view's SVG layer (measurement labels), polled until it matches. */
async function waitForSvgText(page: Page, view: string, match: RegExp, timeoutMs = 10_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = (await page.getByTestId(`viewport-${view}`).locator('svg text').allTextContents()).join(' | ');
    if (match.test(text)) return text;
    if (Date.now() > end) throw new Error(`${view} SVG text "${text}" does not match ${match}`);
    await page.waitForTimeout(150);
  }
}

async function edges(page: Page, view: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const side of ['left', 'right', 'top', 'bottom'])
    out[side] = ((await page.getByTestId(`edge-${view}-${side}`).textContent()) ?? '').trim();
  return out;
}

async function sliceText(page: Page, view: string): Promise<string> {
  return ((await page.getByTestId(`slice-${view}`).textContent()) ?? '').trim();
}

async function sliceIndex(page: Page, view: string): Promise<number> {
  const m = /Slice (\d+) \/ (\d+)/.exec(await sliceText(page, view));
  if (!m) throw new Error(`no slice text in ${view}`);
  return Number(m[1]);
}

describe('viewer e2e: reading basics (Chromium + lobule serve)', { skip }, () => {
  let session: E2eSession;
  let page: Page;
  const ids: { lps: string; ras: string } = { lps: '', ras: '' };
  let lpsVol: Volume;
  let rasVol: Volume;

  /** A workspace of the two files only, read through the engine's import as a user's would be. */
  async function lpsAndRasWorkspace(): Promise<TempWorkspace> {
    const root = await mkdtemp(join(tmpdir(), 'lobule-viewer-e2e-'));
    const ws = await Workspace.init(join(root, 'ws'));
    try {
      const report = await ws.importPaths([LPS_FILE, RAS_FILE]);
      const byOrigin = (f: string): string => report.imported.find((c) => c.origin.includes(f))?.caseId ?? '';
      ids.lps = byOrigin('ct_cropped');
      ids.ras = byOrigin('example_ct_sm');
    } finally {
      await ws.close();
    }
    return { dir: join(root, 'ws'), root, cleanup: () => rm(root, { recursive: true, force: true }) };
  }

  before(async () => {
    session = await openE2eSession({
      workspace: lpsAndRasWorkspace,
      viewport: { width: 1440, height: 900 },
      openCase: null,
      openWait: { timeoutMs: 90_000 },
    });
    page = session.page;
    assert.ok(ids.lps && ids.ras, 'both files imported');
    [lpsVol, rasVol] = await Promise.all([readNifti(LPS_FILE), readNifti(RAS_FILE)]);
  });
  after(() => session?.close());

  async function open(caseId: string): Promise<void> {
    if ((await page.evaluate(() => lobuleProbe.caseId())) !== caseId) {
      const before = await page.evaluate(() => lobuleProbe.stats.openMs.length);
      await page.getByTestId(`case-${caseId}`).getByRole('button').first().click();
      await page.waitForFunction(
        ([id, n]) => lobuleProbe.caseId() === id && lobuleProbe.stats.openMs.length > n && !lobuleProbe.busy(),
        [caseId, before] as const,
        { timeout: 60_000 },
      );
    }
    await page.getByTestId('overlay-axial').waitFor();
    await page.waitForTimeout(500);
  }

  for (const kind of ['lps', 'ras'] as const) {
    it(`${kind.toUpperCase()} file: markers read R|L, A|P in axial, A|P, S|I in sagittal, R|L, S|I in coronal; data agrees`, async () => {
      await open(ids[kind]);
      const vol = kind === 'lps' ? lpsVol : rasVol;
      assert.deepEqual(await edges(page, 'axial'), { left: 'R', right: 'L', top: 'A', bottom: 'P' });
      assert.deepEqual(await edges(page, 'sagittal'), { left: 'A', right: 'P', top: 'S', bottom: 'I' });
      assert.deepEqual(await edges(page, 'coronal'), { left: 'R', right: 'L', top: 'S', bottom: 'I' });
      // The data under the markers (RAS+: x grows to the patient's right, y to anterior, z to superior): the voxel
      // near the "R" edge has a larger RAS x than the one near "L"; the one near "A" a larger y than near "P".
      const left = await readoutAt(page, 'axial', 0.35, 0.5);
      const right = await readoutAt(page, 'axial', 0.65, 0.5);
      assert.ok(
        rasOf(vol, left.ijk)[0] > rasOf(vol, right.ijk)[0],
        `R side x ${rasOf(vol, left.ijk)[0]} > L side x ${rasOf(vol, right.ijk)[0]}`,
      );
      const top = await readoutAt(page, 'axial', 0.5, 0.35);
      const bottom = await readoutAt(page, 'axial', 0.5, 0.65);
      assert.ok(rasOf(vol, top.ijk)[1] > rasOf(vol, bottom.ijk)[1], 'A side is anterior (larger RAS y)');
      const up = await readoutAt(page, 'coronal', 0.5, 0.45);
      const down = await readoutAt(page, 'coronal', 0.5, 0.55);
      assert.ok(rasOf(vol, up.ijk)[2] > rasOf(vol, down.ijk)[2], 'S side is superior (larger RAS z)');
      await shot(page, `markers-${kind}`);
    });

    it(`${kind.toUpperCase()} file: the HU under the cursor equals the file's voxel value`, async () => {
      await open(ids[kind]);
      const vol = kind === 'lps' ? lpsVol : rasVol;
      for (const [fx, fy] of [
        [0.5, 0.5],
        [0.42, 0.58],
        [0.6, 0.4],
      ]) {
        const r = await readoutAt(page, 'axial', fx, fy);
        const [nx, ny] = vol.dims;
        const expected = vol.data[r.ijk[0] + nx * (r.ijk[1] + ny * r.ijk[2])];
        assert.equal(r.hu, expected, `voxel (${r.ijk.join(', ')})`);
      }
    });
  }

  it('arrow, PageDown, Home and End step the focused view by 1, 10, to the first and the last slice', async () => {
    await open(ids.lps);
    const box = await page.getByTestId('viewport-axial').boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width / 2, box.y + 5, { button: 'middle' }); // focus without W/L change
    const start = await sliceIndex(page, 'axial');
    await page.keyboard.press('ArrowDown');
    await waitForText(page, 'slice-axial', `Slice ${start + 1} `);
    await page.keyboard.press('PageDown');
    await waitForText(page, 'slice-axial', `Slice ${start + 11} `);
    await page.keyboard.press('ArrowUp');
    await waitForText(page, 'slice-axial', `Slice ${start + 10} `);
    await page.keyboard.press('Home');
    await waitForText(page, 'slice-axial', 'Slice 1 ');
    await page.keyboard.press('End');
    await waitForText(page, 'slice-axial', `Slice ${lpsVol.dims[2]} / ${lpsVol.dims[2]}`);
    await page.keyboard.press('Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('PageDown');
    await waitForText(page, 'slice-axial', 'Slice 41 ');
    await shot(page, 'slice-keys');
  });

  it('a layout switch (maximize and restore) keeps every view on its slice', async () => {
    await open(ids.lps);
    const before = {
      axial: await sliceText(page, 'axial'),
      sagittal: await sliceText(page, 'sagittal'),
      coronal: await sliceText(page, 'coronal'),
    };
    await page.getByTestId('maximize-axial').click();
    await page.waitForTimeout(800);
    assert.equal(await sliceText(page, 'axial'), before.axial);
    await shot(page, 'layout-1x1');
    await page.getByTestId('maximize-axial').click();
    await page.waitForTimeout(800);
    for (const view of ['axial', 'sagittal', 'coronal'] as const)
      assert.equal(await sliceText(page, view), before[view], `${view} after restore`);
  });

  it('a W/L drag in one view changes all 2D views and the status bar', async () => {
    await open(ids.lps);
    await page.getByTestId('tool-windowLevel').click();
    const axial = page.getByTestId('viewport-axial');
    const beforeAxial = await pixelStats(page, axial);
    const wlBefore = (await page.getByTestId('status-wl').textContent()) ?? '';
    await dragInView(page, 'viewport-sagittal', [0.5, 0.5], [0.74, 0.66], 8);
    const after = await pollPixels(page, axial, (s) => changedFraction(beforeAxial, s) > 0.05);
    assert.ok(changedFraction(beforeAxial, after) > 0.05, 'the axial view follows a drag in the sagittal view');
    const wlAfter = (await page.getByTestId('status-wl').textContent()) ?? '';
    assert.notEqual(wlAfter, wlBefore, 'the status bar shows the new W/L');
    const shown = ['axial', 'sagittal', 'coronal'].map((v) => page.getByTestId(`wl-${v}`).textContent());
    const texts = await Promise.all(shown);
    assert.ok(
      texts.every((t) => t === texts[0]),
      `one W/L in all views: ${texts.join(' | ')}`,
    );
    assert.ok(wlAfter.includes(texts[0]!.replace(/^W (\S+) L (\S+)$/, 'W $1 / L $2')), `${wlAfter} vs ${texts[0]}`);
    await shot(page, 'wl-sync');
  });

  it('the ruler measures a drag in mm and the ellipse ROI reports mean, SD, min, max and area', async () => {
    await open(ids.ras);
    const box = await page.getByTestId('viewport-axial').boundingBox();
    assert.ok(box);
    await page.getByTestId('tool-length').click();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4, { steps: 5 });
    // Cornerstone moves the handle once per frame: on a loaded machine the last move may not have landed yet.
    await page.waitForTimeout(400);
    await page.mouse.move(box.x + box.width * 0.6 + 1, box.y + box.height * 0.4);
    await page.waitForTimeout(400);
    await page.mouse.up();
    const lengthText = await waitForSvgText(page, 'axial', /mm/);
    const mm = Number(/([\d.]+) mm/.exec(lengthText)?.[1]);
    // The drag spans 20 % of the view width; the expected length follows from the view's scale at that moment.
    const a = await readoutAt(page, 'axial', 0.4, 0.4);
    const b = await readoutAt(page, 'axial', 0.6, 0.4);
    const expected = Math.hypot(...[0, 1, 2].map((k) => rasOf(rasVol, a.ijk)[k] - rasOf(rasVol, b.ijk)[k]));
    assert.ok(Math.abs(mm - expected) <= 3 * 3, `ruler ${mm} mm vs voxel distance ${expected} mm (3 mm voxels)`);
    await page.getByTestId('tool-ellipse').click();
    await dragInView(page, 'viewport-axial', [0.45, 0.55], [0.55, 0.65], 10);
    const roiText = await waitForSvgText(page, 'axial', /Mean/i);
    for (const word of [/Area/i, /Mean/i, /Max/i, /Min/i, /Std Dev/i]) assert.match(roiText, word);
    assert.match(roiText, /HU/);
    await shot(page, 'measure');
  });
});

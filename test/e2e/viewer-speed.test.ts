/**
 * What keeps the viewer fast without a GPU, and the 3D surfaces, in real Chromium (SwiftShader) against the real
 * `lobule serve`: a slice step and a W/L drag move redraw only the view the user acts in (never the 3D view), the
 * other 2D views take the new window when the drag rests, and the 3D view shows each segment as a lit surface in
 * its colour that follows edits and the labels toggle. Counts Cornerstone's IMAGE_RENDERED events per view;
 * screenshots: test-results/viewer-speed-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { changedFraction, pixelStats, pollPixels, screenPixels, isRed, lumaAt } from './helpers/pixels.js';
import { dragInView } from './helpers/pointer.js';
import { openE2eSession, RESULTS, skipWithoutChromium as skip, type E2eSession } from './helpers/session.js';

const VIEWS = ['axial', 'sagittal', 'coronal', 'three'] as const;
type Counts = Record<(typeof VIEWS)[number], number>;

/** Starts counting IMAGE_RENDERED per view (a fresh count each call). */
async function countRenders(page: Page): Promise<void> {
  await page.evaluate((views) => {
    const g = globalThis as unknown as {
      __renders?: Record<string, number>;
      __renderCounting?: boolean;
      document: { querySelector(selector: string): { addEventListener(type: string, f: () => void): void } | null };
    };
    g.__renders = Object.fromEntries(views.map((v) => [v, 0]));
    if (g.__renderCounting) return;
    g.__renderCounting = true;
    for (const v of views) {
      // One count per render pass: a CPU-drawn (planar) view sends IMAGE_RENDERED once per layer (CT, labels) within
      // the same synchronous render.
      let inPass = false;
      g.document.querySelector(`[data-testid=viewport-${v}]`)?.addEventListener('CORNERSTONE_IMAGE_RENDERED', () => {
        if (inPass) return;
        inPass = true;
        queueMicrotask(() => {
          inPass = false;
        });
        if (g.__renders) g.__renders[v]++;
      });
    }
  }, VIEWS);
}

async function renders(page: Page): Promise<Counts> {
  return page.evaluate(() => (globalThis as unknown as { __renders: Counts }).__renders);
}

/** Luminance spread (SD) of the clearly red pixels of a view: a lit surface shades, a flat fill does not. */
async function redShading(page: Page, view: string): Promise<{ red: number; sd: number }> {
  const img = await screenPixels(page, page.getByTestId(`viewport-${view}`));
  const lumas: number[] = [];
  for (let p = 0; p < img.width * img.height; p++) if (isRed(img, p)) lumas.push(lumaAt(img, p));
  const mean = lumas.reduce((a, b) => a + b, 0) / Math.max(1, lumas.length);
  const sd = Math.sqrt(lumas.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, lumas.length));
  return { red: lumas.length / (img.width * img.height), sd };
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    v = await read();
  }
  return v;
}

describe('viewer speed and 3D surfaces (Chromium, software GL)', { skip }, () => {
  let s: E2eSession;
  let page: Page;
  before(async () => {
    s = await openE2eSession({ openCase: 'caseA', viewport: { width: 1440, height: 900 }, openWait: { settleMs: 500 } });
    page = s.page;
  });
  after(() => s?.close());

  it('the 3D view shows the liver as a lit surface in the liver colour', async () => {
    const shown = await waitFor(
      () => redShading(page, 'three'),
      (v) => v.red > 0.005,
    );
    await page.screenshot({ path: join(RESULTS, 'viewer-speed-3d-surface.png') });
    assert.ok(shown.red > 0.005, `the 3D view shows no liver surface (red fraction ${shown.red})`);
    assert.ok(shown.sd > 6, `the liver surface is not shaded (luminance SD ${shown.sd.toFixed(1)}): no lighting`);
  });

  it('a slice step redraws the stepped view only', async () => {
    const box = await page.getByTestId('viewport-axial').boundingBox();
    if (!box) throw new Error('no axial view');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await countRenders(page);
    for (let n = 0; n < 4; n++) {
      await page.mouse.wheel(0, 100);
      await page.waitForTimeout(150);
    }
    await page.waitForTimeout(500);
    const c = await renders(page);
    assert.ok(c.axial >= 1, `the axial view did not redraw (${JSON.stringify(c)})`);
    assert.deepEqual([c.sagittal, c.coronal, c.three], [0, 0, 0], `other views redrew on a slice step: ${JSON.stringify(c)}`);
  });

  it('a W/L drag redraws only the dragged view per move; the other 2D views follow when it rests; never the 3D view', async () => {
    await page.getByTestId('tool-windowLevel').click();
    const sagittalBefore = await pixelStats(page, page.getByTestId('viewport-sagittal'));
    await countRenders(page);
    await dragInView(page, 'viewport-axial', [0.5, 0.5], [0.62, 0.62], 8);
    const during = await renders(page);
    assert.ok(during.axial >= 2, `the dragged view did not follow the drag (${JSON.stringify(during)})`);
    assert.ok(during.sagittal <= 1 && during.coronal <= 1, `the other views redrew on every move: ${JSON.stringify(during)}`);
    const sagittalAfter = await pollPixels(page, page.getByTestId('viewport-sagittal'), (p) => changedFraction(sagittalBefore, p) > 0.05);
    const rested = await renders(page);
    assert.ok(changedFraction(sagittalBefore, sagittalAfter) > 0.05, 'the sagittal view never took the new window');
    assert.equal(rested.three, 0, `the 3D view redrew for a 2D window change: ${JSON.stringify(rested)}`);
    await page.getByTestId('preset-abdomen').click();
  });

  it('a brush stroke shows in the painted view while the mouse button is still down', async () => {
    await page.getByTestId('tool-brush').click();
    const axial = page.getByTestId('viewport-axial');
    const box = await axial.boundingBox();
    if (!box) throw new Error('no axial view');
    const before = await pixelStats(page, axial);
    // Soft tissue on the body's left (image right), above the liver: the new paint is the only change.
    await page.mouse.move(box.x + box.width * 0.62, box.y + box.height * 0.32);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.72, box.y + box.height * 0.32, { steps: 6 });
    const midStroke = await pollPixels(page, axial, (p) => p.reddish > before.reddish);
    await page.screenshot({ path: join(RESULTS, 'viewer-speed-brush-mid-stroke.png') });
    await page.mouse.up();
    assert.ok(
      midStroke.reddish > before.reddish,
      `the stroke is not shown before release: reddish ${before.reddish} → ${midStroke.reddish}`,
    );
    await page.keyboard.press('Control+z');
  });

  it('the 3D surfaces follow a brush stroke, and the labels toggle hides them', async () => {
    const before3d = await pixelStats(page, page.getByTestId('viewport-three'));
    await page.getByTestId('tool-brush').click();
    // Soft tissue on the body's left, well outside the liver: the stroke makes a new surface patch (one 3 mm slice
    // thick, seen edge-on from the front: a thin line of some tens of pixels).
    await dragInView(page, 'viewport-axial', [0.62, 0.4], [0.74, 0.4], 12);
    const after3d = await pollPixels(page, page.getByTestId('viewport-three'), (p) => changedFraction(before3d, p) > 0.0001, 20_000);
    await page.screenshot({ path: join(RESULTS, 'viewer-speed-3d-after-stroke.png') });
    assert.ok(changedFraction(before3d, after3d) > 0.0001, 'the 3D view did not change after the stroke');
    await page.getByRole('button', { name: 'Hide labels' }).click();
    const hidden = await waitFor(
      () => redShading(page, 'three'),
      (v) => v.red < 0.001,
    );
    assert.ok(hidden.red < 0.001, `surfaces still shown with labels hidden (red fraction ${hidden.red})`);
    await page.getByRole('button', { name: 'Show labels' }).click();
    await page.keyboard.press('Control+z');
  });
});

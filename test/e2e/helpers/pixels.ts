/**
 * Pixel statistics of what a viewport really shows: an element screenshot (what the user sees, composited),
 * decoded by the page's own image decoder, so no PNG library is needed in Node.
 */
import type { Locator, Page } from 'playwright-core';

export interface PixelStats {
  /** Mean luminance 0..255. */
  readonly mean: number;
  /** Fraction of pixels brighter than 20 (not background black). */
  readonly nonBlack: number;
  /** Fraction of pixels that are clearly red (the liver overlay colour): r > g + 40. */
  readonly reddish: number;
  /** Luminance per pixel, for comparisons between two shots. */
  readonly luma: number[];
}

export async function pixelStats(page: Page, target: Locator): Promise<PixelStats> {
  const png = await target.screenshot();
  // Runs in the page (DOM types are not part of the Node test program, so the function travels as source).
  return page.evaluate(`(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const n = bitmap.width * bitmap.height;
    let sum = 0, nonBlack = 0, reddish = 0;
    const luma = new Array(n);
    for (let p = 0; p < n; p++) {
      const r = data[4 * p], g = data[4 * p + 1], b = data[4 * p + 2];
      const y = 0.299 * r + 0.587 * g + 0.114 * b;
      luma[p] = Math.round(y);
      sum += y;
      if (y > 20) nonBlack++;
      if (r > g + 40 && r > b + 40) reddish++;
    }
    return { mean: sum / n, nonBlack: nonBlack / n, reddish: reddish / n, luma };
  })(${JSON.stringify(png.toString('base64'))})`);
}

/** Fraction of pixels whose luminance differs by more than `threshold` between two shots of the same size. */
export function changedFraction(a: PixelStats, b: PixelStats, threshold = 8): number {
  if (a.luma.length !== b.luma.length) return 1;
  let changed = 0;
  for (let p = 0; p < a.luma.length; p++) if (Math.abs(a.luma[p] - b.luma[p]) > threshold) changed++;
  return changed / a.luma.length;
}

/**
 * Takes shots until `accept` holds or `timeoutMs` passes, and returns the last stats: a software-GL frame can
 * take a few hundred ms on a loaded machine, so a fixed wait would make pixel checks flaky.
 */
export async function pollPixels(page: Page, target: Locator, accept: (s: PixelStats) => boolean, timeoutMs = 8000): Promise<PixelStats> {
  const end = Date.now() + timeoutMs;
  let stats = await pixelStats(page, target);
  while (!accept(stats) && Date.now() < end) {
    await page.waitForTimeout(200);
    stats = await pixelStats(page, target);
  }
  return stats;
}

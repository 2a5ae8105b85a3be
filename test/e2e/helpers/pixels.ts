/**
 * What a viewport really shows, as pixels: an element screenshot (what the user sees, composited), decoded by the
 * page's own image decoder, so no PNG library is needed in Node; the checks on it then run here, typed.
 */
import type { Locator, Page } from 'playwright-core';

/** RGBA, 4 bytes a pixel, rows top down. */
export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export async function screenPixels(page: Page, target: Locator): Promise<Rgba> {
  const png = await target.screenshot();
  // Runs in the page (DOM types are not part of the Node test program, so the function travels as source).
  const decoded = await page.evaluate<{ width: number; height: number; rgba: string }>(`(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, rgba: btoa(binary) };
  })(${JSON.stringify(png.toString('base64'))})`);
  return { width: decoded.width, height: decoded.height, data: Buffer.from(decoded.rgba, 'base64') };
}

/** Whether pixel `p` is clearly red, the liver overlay's colour: r > g + 40 and r > b + 40. */
export function isRed(img: Rgba, p: number): boolean {
  const r = img.data[4 * p];
  return r > img.data[4 * p + 1] + 40 && r > img.data[4 * p + 2] + 40;
}

/** Luminance 0..255 of pixel `p` (ITU-R BT.601 weights). */
export function lumaAt(img: Rgba, p: number): number {
  return 0.299 * img.data[4 * p] + 0.587 * img.data[4 * p + 1] + 0.114 * img.data[4 * p + 2];
}

export interface PixelStats {
  /** Mean luminance 0..255. */
  readonly mean: number;
  /** Fraction of pixels brighter than 20 (not background black). */
  readonly nonBlack: number;
  /** Fraction of pixels that are clearly red (the liver overlay colour), as isRed. */
  readonly reddish: number;
  /** Luminance per pixel, for comparisons between two shots. */
  readonly luma: number[];
}

export async function pixelStats(page: Page, target: Locator): Promise<PixelStats> {
  const img = await screenPixels(page, target);
  const n = img.width * img.height;
  let sum = 0;
  let nonBlack = 0;
  let reddish = 0;
  const luma = new Array<number>(n);
  for (let p = 0; p < n; p++) {
    const y = lumaAt(img, p);
    luma[p] = Math.round(y);
    sum += y;
    if (y > 20) nonBlack++;
    if (isRed(img, p)) reddish++;
  }
  return { mean: sum / n, nonBlack: nonBlack / n, reddish: reddish / n, luma };
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

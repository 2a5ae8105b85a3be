// Development check: which views re-render during a brush stroke, and frame times. Usage: ... frames.ts URL
import { launchChromium, openPage } from '../../test/e2e/helpers/browser.js';
const b = await launchChromium();
const { page } = await openPage(b, process.argv[2]);
await page.waitForFunction('globalThis.lobuleProbe?.stats.openMs.length > 0', null, { timeout: 60000 });
await page.waitForTimeout(4000);
await page.evaluate(`(() => {
  globalThis.renders = {};
  for (const el of document.querySelectorAll('[data-testid^=viewport-]')) {
    el.addEventListener('CORNERSTONE_IMAGE_RENDERED', () => { const k = el.dataset.testid; globalThis.renders[k] = (globalThis.renders[k] ?? 0) + 1; });
  }
})()`);
await page.click('[data-testid=tool-brush]');
const box = (await page.locator('[data-testid=viewport-axial]').boundingBox())!;
await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
await page.mouse.down();
const t0 = Date.now();
for (let s = 0; s < 20; s++) await page.mouse.move(box.x + box.width * (0.3 + s * 0.01), box.y + box.height * 0.5);
const t1 = Date.now();
await page.mouse.up();
await page.waitForTimeout(1500);
console.log('per move ms', (t1 - t0) / 20, await page.evaluate('JSON.stringify(globalThis.renders)'));
await b.close();

// Development check: which views re-render on a tool switch, and the click→frame time. Usage: ... toolswitch.ts URL
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
const times = [];
for (const tool of ['brush', 'eraser', 'windowLevel', 'brush']) {
  times.push(await page.evaluate(`(async () => { const t0 = performance.now(); document.querySelector('[data-testid=tool-${tool}]').click(); const t1 = performance.now(); await new Promise((r) => requestAnimationFrame(() => r())); return [t1 - t0, performance.now() - t0]; })()`));
}
await page.waitForTimeout(1000);
console.log(JSON.stringify(times), await page.evaluate('JSON.stringify(globalThis.renders)'), await page.evaluate('JSON.stringify(lobuleProbe.stats.toolSwitchMs)'));
await b.close();

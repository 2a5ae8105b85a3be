// Development check: crosshairs drag in the axial view moves the sagittal slice. Usage: ... crosshairs.ts URL
import { launchChromium, openPage } from '../../test/e2e/helpers/browser.js';
import { changedFraction, pixelStats } from '../../test/e2e/helpers/pixels.js';
const b = await launchChromium();
const { page } = await openPage(b, process.argv[2]);
await page.waitForFunction('globalThis.lobuleProbe?.stats.openMs.length > 0', null, { timeout: 60000 });
await page.waitForTimeout(1500);
const sag = page.getByTestId('viewport-sagittal');
const before = await pixelStats(page, sag);
await page.keyboard.press('c');
const box = (await page.getByTestId('viewport-axial').boundingBox())!;
// Click away from the lines: Cornerstone's crosshairs jump there.
await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
await page.waitForTimeout(800);
const after = await pixelStats(page, sag);
await page.screenshot({ path: '/tmp/cross.png' });
console.log('sagittal changed', changedFraction(before, after));
await b.close();

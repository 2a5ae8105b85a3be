import { launchChromium, openPage } from '../../test/e2e/helpers/browser.js';
const b = await launchChromium();
const { page } = await openPage(b, process.argv[2]);
await page.waitForFunction(() => (globalThis as any).lobuleProbe?.stats.openMs.length > 0, null, { timeout: 60000 });
console.log(await page.evaluate(process.argv[3]));
await b.close();

// Development check: fetch vs render time of opening the first case. Usage: node --import tsx renderer/dev/openphases.ts URL
import { launchChromium, openPage } from '../../test/e2e/helpers/browser.js';
const b = await launchChromium();
const { page } = await openPage(b, process.argv[2]);
await page.waitForFunction('globalThis.lobuleProbe?.stats.openMs.length > 0', null, { timeout: 60000 });
console.log(await page.evaluate('JSON.stringify(lobuleProbe.stats.openPhases)'));
await b.close();

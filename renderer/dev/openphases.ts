// Development check: where opening a case spends its time. Usage: node --import tsx renderer/dev/openphases.ts URL
import { launchChromium, openPage } from '../../test/e2e/helpers/browser.js';
const b = await launchChromium();
const { page } = await openPage(b, process.argv[2]);
page.on('console', (m) => m.text().startsWith('lobule-show') && console.log(m.text()));
await page.waitForFunction('globalThis.lobuleProbe?.stats.openMs.length > 0', null, { timeout: 60000 });
console.log(await page.evaluate('JSON.stringify([lobuleProbe.stats.openPhases, globalThis.lobuleShow])'));
await b.close();

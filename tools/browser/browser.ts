/** Debian's Chromium driven by playwright-core, with the software-GL flags known to work here. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LOBULE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A page whose console errors and page errors are collected (tests print them when something fails). The URL
 * gets `probe=1`, which loads the renderer's read-only test hooks (`lobuleProbe`); resolves once they exist.
 */
export async function openPage(
  browser: Browser,
  url: string,
  size = { width: 1400, height: 860 },
  options: { withoutNetworkEvents?: boolean } = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (options.withoutNetworkEvents) {
    // Playwright's CDP Network domain copies request bodies into its protocol messages; a 78 MB labelmap upload
    // or a 157 MB download then overflows its transport (a string past V8's 512 MB limit).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.disable');
  }
  const withProbe = new URL(url);
  withProbe.searchParams.set('probe', '1');
  await page.goto(withProbe.toString());
  // Booting the 3.5 MB bundle took over 30 s at load average 15 on 2 cores (several helpers building and testing).
  await page.waitForFunction(() => 'lobuleProbe' in globalThis, null, { timeout: 90_000 });
  return { page, errors };
}

/**
 * The Training panel in real Chromium against `lobule serve`: it shows the plan a fine-tune inherits before
 * Start, runs a tiny override of it, shows the new model's val Dice beside the active model's, and "Set active"
 * on the worse new model asks, naming both numbers, and keeps the active model when told to.
 * Screenshots: test-results/e2e-training-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageRoot } from '../../engine/paths.js';
import { chromiumAvailable, launchChromium, openPage } from '../../tools/browser/browser.js';
import { makeWorkspaceFromSharedData, type TempWorkspace } from './helpers/workspace.js';
import { startServe, type RunningServe } from '../../tools/browser/server.js';
import { ensureBuilt } from '../../tools/browser/build.js';

const RESULTS = join(packageRoot(), 'test-results');
const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)';

describe('training panel e2e (Chromium + lobule serve)', { skip }, () => {
  let ws: TempWorkspace;
  let serve: RunningServe;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    await mkdir(RESULTS, { recursive: true });
    ensureBuilt();
    ws = await makeWorkspaceFromSharedData();
    // The bundled liver model is the active one: a few-step model from scratch is then surely worse.
    await writeFile(join(ws.dir, 'models', 'active.json'), JSON.stringify({ model: 'liver' }) + '\n');
    serve = await startServe(ws.dir);
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, serve.pageUrl));
  });

  after(async () => {
    if (errors?.length) console.log('page errors:\n' + errors.slice(0, 20).join('\n'));
    await browser?.close();
    await serve?.stop();
    await ws?.cleanup();
  });

  it('shows the values a fine-tune of the active model inherits before Start', async () => {
    await page.getByTestId('tab-training').click();
    const minutes = page.getByTestId('train-minutes');
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } })
          .document;
        return doc.querySelector('[data-testid=train-minutes]')?.getAttribute('data-inherited') === '15';
      },
      null,
      { timeout: 30_000 },
    );
    assert.equal(await minutes.getAttribute('placeholder'), '15');
    assert.equal(await page.getByTestId('train-lr').getAttribute('placeholder'), '0.001');
    assert.equal(await page.getByTestId('train-spacing').getAttribute('placeholder'), '3,3,3');
    assert.equal(await page.getByTestId('train-epochs').getAttribute('placeholder'), '10');
    await page.screenshot({ path: join(RESULTS, 'e2e-training-1-inherited.png') });
  });

  it("a tiny run from scratch shows its val Dice beside the active model's, and Set active on it asks first", async () => {
    await page.getByTestId('train-from').selectOption('scratch');
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } })
          .document;
        return doc.querySelector('[data-testid=train-minutes]')?.getAttribute('data-inherited') === 'none';
      },
      null,
      { timeout: 30_000 },
    );
    await page.getByTestId('train-epochs').fill('1');
    await page.getByTestId('train-stepsPerEpoch').fill('2');
    await page.getByTestId('train-batch').fill('1');
    await page.getByTestId('train-patch').fill('16');
    await page.getByTestId('train-spacing').fill('6');
    await page.getByPlaceholder('name of the new model (optional)').fill('e2e-tiny');
    await page.getByTestId('train-start').click();
    await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
        return doc.querySelector('[data-testid=train-comparison]') !== null || doc.querySelector('[data-testid=toast-error]') !== null;
      },
      null,
      { timeout: 600_000 },
    );
    await page.screenshot({ path: join(RESULTS, 'e2e-training-2-compared.png') });
    assert.deepEqual(await page.getByTestId('toast-error').allTextContents(), [], 'no error is shown');
    const base = Number(await page.getByTestId('compare-base').textContent());
    const fresh = Number(await page.getByTestId('compare-new').textContent());
    assert.ok(base > fresh, `active ${base} vs new ${fresh}`);
    assert.ok(!(await page.getByTestId('training-panel').textContent())?.includes('job-'), 'no job id in the panel');
    await page.getByTestId('set-active-e2e-tiny').click();
    const question = page.getByTestId('question');
    await question.waitFor({ timeout: 10_000 });
    const text = (await question.textContent()) ?? '';
    assert.ok(text.includes(base.toFixed(3)) && text.includes(fresh.toFixed(3)), text);
    await page.screenshot({ path: join(RESULTS, 'e2e-training-3-asks.png') });
    await page.getByTestId('answer-keep').click();
    const active = await page.locator('[data-testid=model-list] li.selected').textContent();
    assert.match(active ?? '', /liver/);
  });
});

/**
 * The Training panel in real Chromium against `lobule serve`: it shows the plan a fine-tune inherits before
 * Start, runs a tiny override of it, shows the new model's val Dice beside the active model's, and "Set active"
 * on the worse new model asks, naming both numbers, and keeps the active model when told to.
 * Screenshots: test-results/e2e-training-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openE2eSession, RESULTS, skipWithoutChromium as skip, type E2eSession } from './helpers/session.js';

/** Waits until the minutes field says what a run would inherit ('none' when it starts from scratch). */
const inheritedShown = (page: Page, minutes: string): Promise<void> =>
  page.locator(`[data-testid=train-minutes][data-inherited="${minutes}"]`).waitFor({ state: 'attached', timeout: 30_000 });

describe('training panel e2e (Chromium + lobule serve)', { skip }, () => {
  let session: E2eSession;
  let page: Page;

  before(async () => {
    session = await openE2eSession({
      // The bundled liver model is the active one: a few-step model from scratch is then surely worse.
      prepare: (ws) => writeFile(join(ws.dir, 'models', 'active.json'), JSON.stringify({ model: 'liver' }) + '\n'),
    });
    page = session.page;
  });
  after(() => session?.close());

  it('shows the values a fine-tune of the active model inherits before Start', async () => {
    await page.getByTestId('tab-training').click();
    const minutes = page.getByTestId('train-minutes');
    await inheritedShown(page, '15');
    assert.equal(await minutes.getAttribute('placeholder'), '15');
    assert.equal(await page.getByTestId('train-lr').getAttribute('placeholder'), '0.0001'); // the bundled plan's fine-tune lr
    assert.equal(await page.getByTestId('train-spacing').getAttribute('placeholder'), '2,2,2'); // v3's fine stage
    assert.equal(await page.getByTestId('train-epochs').getAttribute('placeholder'), '10');
    await page.screenshot({ path: join(RESULTS, 'e2e-training-1-inherited.png') });
  });

  it("a tiny run from scratch shows its val Dice beside the active model's, and Set active on it asks first", async () => {
    await page.getByTestId('train-from').selectOption('scratch');
    await inheritedShown(page, 'none');
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

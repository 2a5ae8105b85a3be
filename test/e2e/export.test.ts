/**
 * The Export labels menu in real Chromium against the real `lobule serve`: the open case's latest label version is
 * written as STL meshes and as a volume CSV to host paths, and the menu lists what was written.
 * Screenshot: test-results/e2e-export-menu.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openE2eSession, RESULTS, skipWithoutChromium as skip, type E2eSession } from './helpers/session.js';

describe('Export labels menu (Chromium + lobule serve)', { skip }, () => {
  let session: E2eSession;
  before(async () => {
    session = await openE2eSession({ openCase: 'caseA' });
  });
  after(() => session?.close());

  it('exports the open case as STL meshes and a volume CSV and lists the files and volumes', async () => {
    const { ws, page } = session;
    const menu = page.getByTestId('export-menu');
    await menu.locator('summary').click();
    await page.getByTestId('export-format').selectOption('stl');
    const meshDir = join(ws.root, 'meshes');
    await page.getByTestId('export-path').fill(meshDir);
    await page.getByTestId('export-run').click();
    const result = page.getByTestId('export-result');
    await result.getByText('liver:').waitFor({ timeout: 60_000 });
    await menu.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS, 'e2e-export-menu.png') });
    const files = await readdir(meshDir);
    assert.equal(files.length, 1);
    assert.match(files[0], /\.stl$/);
    assert.match((await result.textContent()) ?? '', /liver: \d+\.\d mL \(mesh \d+\.\d mL\)/);
    await page.getByTestId('export-format').selectOption('csv');
    const csv = join(ws.root, 'volumes.csv');
    await page.getByTestId('export-path').fill(csv);
    await page.getByTestId('export-run').click();
    await result.getByText(csv).waitFor({ timeout: 30_000 });
    assert.ok(existsSync(csv));
    assert.match(await readFile(csv, 'utf8'), /^case,version,label_value,label_name/);
  });
});

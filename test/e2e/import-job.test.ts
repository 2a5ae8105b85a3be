/**
 * Issue 15 in real Chromium against the real `lobule serve`: an import typed into the import form runs as a job,
 * shows "paths done / total, current name" with a Cancel button; Cancel adds no case; a second import ends with
 * the report as before.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageRoot } from '../../engine/paths.js';
import { chromiumAvailable, launchChromium, openPage } from '../../tools/browser/browser.js';
import { ensureBuilt } from '../../tools/browser/build.js';
import { makeWorkspaceFromSharedData, type TempWorkspace } from './helpers/workspace.js';
import { sharedData } from '../helpers/data.js';

const RESULTS = join(packageRoot(), 'test-results');
const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)';
const SLOW_DICOM = sharedData('totalsegmentator/example_ct_dicom'); // seconds to decode: time to see and cancel

async function serve(wsDir: string, config: string): Promise<{ url: string; stop: () => void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(packageRoot(), 'bin', 'lobule.js'), 'serve', '--workspace', wsDir, '--port', '0'],
    {
      cwd: packageRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BROWSER: 'none', LOBULE_CONFIG_DIR: config },
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lobule serve printed no URL:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /(http:\/\/[^\s"']+[?&]token=[A-Za-z0-9]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`lobule serve exited with ${code}:\n${output}`)));
  });
  return { url, stop: () => void child.kill('SIGTERM') };
}

const caseCount = async (dir: string): Promise<number> =>
  (JSON.parse(await readFile(join(dir, 'lobule.json'), 'utf8')) as { cases: unknown[] }).cases.length;

describe('issue 15: the import form runs an import job with progress and Cancel (Chromium + lobule serve)', { skip }, () => {
  let ws: TempWorkspace;
  let config: string;
  let server: { url: string; stop: () => void };
  let browser: Browser;
  let page: Page;

  before(async () => {
    await mkdir(RESULTS, { recursive: true });
    ensureBuilt();
    ws = await makeWorkspaceFromSharedData();
    config = await mkdtemp(join(tmpdir(), 'lobule-e2e-config-'));
    server = await serve(ws.dir, config);
    browser = await launchChromium();
    ({ page } = await openPage(browser, server.url));
    await page.locator('[data-testid=import-section] > summary').click();
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    await ws?.cleanup();
    if (config) await rm(config, { recursive: true, force: true });
  });

  it('shows the current path with a Cancel button; Cancel adds no case', async () => {
    const before = await caseCount(ws.dir);
    await page.getByLabel('Path to import').fill(`${SLOW_DICOM}; ${sharedData('totalsegmentator/example_ct_sm.nii.gz')}`);
    await page.getByTestId('import-run').click();
    const progress = page.getByTestId('import-progress');
    await progress.getByText('0/2 example_ct_dicom').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS, 'e2e-import-job-progress.png') });
    await page.getByTestId('import-cancel').click();
    await progress.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await caseCount(ws.dir), before, 'a cancelled import adds no case');
    await page.getByText('No case was added').first().waitFor({ timeout: 10_000 });
  });

  it('a second import ends with the report as before', async () => {
    const before = await caseCount(ws.dir);
    await page.getByLabel('Path to import').fill(sharedData('totalsegmentator/example_ct_sm.nii.gz'));
    await page.getByTestId('import-run').click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 });
    assert.equal(await report.getAttribute('data-outcome'), 'ok');
    assert.equal(await caseCount(ws.dir), before + 1);
    await page.screenshot({ path: join(RESULTS, 'e2e-import-job-report.png') });
  });
});

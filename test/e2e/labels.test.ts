/**
 * Issue 13's six stories in real Chromium against the real `lobule serve`: labels are never lost or silently
 * changed. Each story checks the data on disk (manifest versions, sha256 of the label files, statuses, trash) as
 * well as what the page shows (pixels of the compare canvas, the banner, the picker). The tests run in order on
 * one workspace, like one user session. Screenshots: test-results/e2e-labels-*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { readNifti } from '../../engine/io/nifti.js';
import { openPage } from '../../tools/browser/browser.js';
import { startServe, type RunningServe } from '../../tools/browser/server.js';
import { readManifest, type TempWorkspace } from './helpers/workspace.js';
import { pixelStats, screenPixels } from './helpers/pixels.js';
import { waitForOpenCase } from './helpers/probe.js';
import { dragInView } from './helpers/pointer.js';
import { openE2eSession, RESULTS, skipWithoutChromium as skip, type E2eSession } from './helpers/session.js';
import { sharedData } from '../helpers/data.js';

const sha = async (p: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(p))
    .digest('hex');

async function shot(page: Page, name: string): Promise<string> {
  const path = join(RESULTS, `e2e-labels-${name}.png`);
  await page.screenshot({ path });
  return path;
}

const waitForCase = (page: Page, caseId: string): Promise<void> => waitForOpenCase(page, caseId, { settleMs: 500 });

/** Share of the compare canvas's pixels that are the diff colours (added green, removed red). */
async function diffColours(page: Page): Promise<{ green: number; red: number }> {
  const { width, height, data: d } = await screenPixels(page, page.getByTestId('compare-canvas'));
  let green = 0;
  let red = 0;
  for (let p = 0; p < d.length; p += 4) {
    if (d[p + 1] > d[p] + 60 && d[p + 1] > d[p + 2] + 40) green++;
    if (d[p] > d[p + 1] + 60 && d[p] > d[p + 2] + 30) red++;
  }
  return { green: green / (width * height), red: red / (width * height) };
}

describe('issue 13: labels are never lost or silently changed (Chromium + lobule serve)', { skip }, () => {
  let session: E2eSession;
  let ws: TempWorkspace;
  let config: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  /** The server again, on `port` (where the open page looks for it) and with the session's config folder. */
  const serveAgain = (port: number): Promise<RunningServe> => startServe(ws.dir, { port, env: { LOBULE_CONFIG_DIR: config } });

  before(async () => {
    session = await openE2eSession({ openCase: 'caseA', openWait: { settleMs: 500 } });
    ({ ws, configDir: config, browser, page, errors } = session);
  });
  after(() => session?.close());

  it('story 1: auto-segment on a verified case is a proposal; Accept asks first, then records parent and model source', async () => {
    const before = await readManifest(ws.dir);
    const caseA = before.cases.find((c) => c.id === 'caseA')!;
    assert.equal(caseA.status, 'verified');
    const v1Sha = await sha(join(ws.dir, caseA.labels[0].file));
    const liver = await page.evaluate(() => lobuleProbe.voxelCount(1));
    await page.getByTestId('segment-model').selectOption('threshold');
    await page.getByTestId('segment-run').click();
    await page.getByTestId('proposal').waitFor({ timeout: 120_000 });
    // Nothing changed: no version, same status, same voxels on screen.
    const during = await readManifest(ws.dir);
    assert.equal(during.cases.find((c) => c.id === 'caseA')!.labels.length, 1, 'a proposal is no version');
    assert.equal(during.cases.find((c) => c.id === 'caseA')!.status, 'verified', 'a proposal changes no status');
    assert.equal(await page.evaluate(() => lobuleProbe.voxelCount(1)), liver, 'the labels on screen are unchanged');
    await page.getByTestId('status-caseA').filter({ hasText: 'verified' }).waitFor();

    await page.getByTestId('proposal-compare').click();
    await page.getByTestId('compare-dialog').waitFor();
    await page.waitForTimeout(300);
    const colours = await diffColours(page);
    assert.ok(colours.green > 0.001 && colours.red > 0.001, `added and removed voxels coloured: ${JSON.stringify(colours)}`);
    await shot(page, '01-proposal-compare');
    // Toggling to the proposal alone shows no diff colours.
    await page.getByTestId('compare-show-after').click();
    await page.waitForTimeout(200);
    const plain = await diffColours(page);
    assert.ok(plain.green < colours.green / 4, `toggle shows the proposal alone: ${JSON.stringify(plain)}`);

    await page.getByTestId('proposal-accept').click();
    await page.getByTestId('question').filter({ hasText: 'This changes a verified label' }).waitFor();
    await page.getByTestId('answer-cancel').click();
    assert.equal((await readManifest(ws.dir)).cases.find((c) => c.id === 'caseA')!.labels.length, 1, 'Cancel saves nothing');
    await page.getByTestId('proposal-accept').click();
    await page.getByTestId('answer-go').click();
    await page.waitForFunction(() => lobuleProbe.baseVersion() === 'v2', null, { timeout: 30_000 });
    const after = (await readManifest(ws.dir)).cases.find((c) => c.id === 'caseA')!;
    assert.deepEqual(
      after.labels.map((v) => [v.id, v.parent, v.source]),
      [
        ['v1', null, 'import'],
        ['v2', 'v1', 'model:threshold@1.0.0'],
      ],
    );
    assert.equal(after.status, 'draft', 'accepting is the explicit action that changes the status');
    assert.equal(await sha(join(ws.dir, after.labels[0].file)), v1Sha, 'v1 is untouched');
    assert.notEqual(await page.evaluate(() => lobuleProbe.voxelCount(1)), liver, 'the accepted labels are shown');
    await page.getByTestId('proposal').waitFor({ state: 'detached' });
  });

  it('story 1b: history lists every version; compare shows added/removed and Dice; Revert copies v1 and restores verified', async () => {
    await page.locator('[data-testid=history-panel] > summary').click();
    await page.getByTestId('history-v2').waitFor();
    await page.getByTestId('history-pick-v1').check();
    await page.getByTestId('history-pick-v2').check();
    await page.getByTestId('history-compare').click();
    await page.getByTestId('compare-dialog').waitFor();
    const m = await readManifest(ws.dir);
    const caseA = m.cases.find((c) => c.id === 'caseA')!;
    const a = await readNifti(join(ws.dir, caseA.labels[0].file));
    const b = await readNifti(join(ws.dir, caseA.labels[1].file));
    let inter = 0,
      na = 0,
      nb = 0;
    for (let i = 0; i < a.data.length; i++) {
      const x = a.data[i] === 1,
        y = b.data[i] === 1;
      if (x) na++;
      if (y) nb++;
      if (x && y) inter++;
    }
    const dice = (2 * inter) / (na + nb);
    assert.equal(
      await page.getByTestId('compare-dice-1').textContent(),
      dice.toFixed(3),
      'Dice of v1 and v2 as computed here from the files',
    );
    await page.waitForTimeout(300);
    await shot(page, '02-history-compare');
    await page.getByTestId('compare-close').click();
    await shot(page, '03-history');

    await page.getByTestId('history-revert-v1').click();
    await page.waitForFunction(() => lobuleProbe.baseVersion() === 'v3', null, { timeout: 30_000 });
    const reverted = (await readManifest(ws.dir)).cases.find((c) => c.id === 'caseA')!;
    const v3 = reverted.labels[2];
    assert.deepEqual([v3.id, v3.parent, v3.source, v3.revertOf], ['v3', 'v2', 'revert', 'v1']);
    assert.equal(v3.sha256, caseA.labels[0].sha256, 'the revert holds exactly v1 (same file hash)');
    assert.equal(reverted.status, 'verified', 'v1 was verified, so the revert restores verified');
    assert.equal(reverted.labels.length, 3, 'nothing was deleted');
    await page.getByTestId('history-source-v3').filter({ hasText: 'revert to v1' }).waitFor();
  });

  it('story 2: Save without changes writes nothing and keeps the verified status', async () => {
    const before = await readManifest(ws.dir);
    await page.keyboard.press('Control+s');
    await page.getByText('Nothing to save').waitFor({ timeout: 10_000 });
    const after = await readManifest(ws.dir);
    assert.equal(after.revision, before.revision, 'no manifest commit');
    assert.equal(after.cases.find((c) => c.id === 'caseA')!.labels.length, 3);
    assert.equal(after.cases.find((c) => c.id === 'caseA')!.status, 'verified');
  });

  it('story 3: each case shows all workspace labels in one order and colour; adds, recolours, removes are workspace-wide', async () => {
    await page.getByTestId('segment-add').click();
    await page.getByTestId('segment-add-name').fill('tumour');
    await page.getByTestId('segment-add-ok').click();
    await page.getByTestId('segment-row-2').waitFor();
    await page.getByLabel('Colour of tumour').fill('#ffcc00');
    await page.waitForTimeout(500);
    // The tumour segment is selected; the next case still lists liver first, and tumour, in the workspace colours.
    await page.getByTestId('case-caseB').getByRole('button').first().click();
    await waitForCase(page, 'caseB');
    const names = await page.getByTestId('segment-list').locator('.seg-name').allTextContents();
    assert.deepEqual(names, ['liver', 'tumour'], 'an unlabelled case lists the workspace labels');
    assert.equal(await page.getByLabel('Colour of tumour').inputValue(), '#ffcc00');
    const m = await readManifest(ws.dir);
    assert.deepEqual(m.labelNames, { background: 0, liver: 1, tumour: 2 });
    assert.equal(m.labelColors['2'], '#ffcc00');
    // Removing a label with no voxels asks nothing; liver cannot be removed.
    await page.getByTestId('segment-remove-2').click();
    await page.getByTestId('segment-row-2').waitFor({ state: 'detached' });
    assert.deepEqual((await readManifest(ws.dir)).labelNames, { background: 0, liver: 1 });
    await shot(page, '04-segments');
  });

  it('story 4: a mask imported as a CT is flagged and can go in as a label; cases are renamed, trashed and restored', async () => {
    const mask = join(ws.root, 'mask-as-ct.nii.gz');
    const seg = await readNifti(sharedData('totalsegmentator/example_seg_fast/liver.nii.gz'));
    await writeNifti(mask, seg);
    await page.locator('[data-testid=import-section] > summary').click();
    await page.getByLabel('Path to import').fill(mask);
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-label-like').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('import-report').getAttribute('data-outcome'), 'question');
    assert.match((await page.getByTestId('import-report').textContent()) ?? '', /0 cases imported, 1 file looks like a label map/);
    assert.equal((await readManifest(ws.dir)).cases.length, 3, 'nothing imported as an image');
    await shot(page, '05-import-label-like');
    // Every case here has this grid; the user picks the one the mask belongs to.
    await page.getByLabel('Case to add the label to').selectOption('caseB');
    await page.getByTestId('import-as-label').click();
    await page.getByText('Label added').waitFor({ timeout: 30_000 });
    const caseB = (await readManifest(ws.dir)).cases.find((c) => c.id === 'caseB')!;
    assert.equal(caseB.labels.at(-1)?.source, 'import', 'the mask became a label version of the case with its grid');
    assert.equal(caseB.labels.at(-1)?.sha256, await sha(join(ws.dir, caseB.labels.at(-1)!.file)));

    // Rename (display name only) and delete to the trash, then restore.
    await page.getByTestId('case-rename-caseB').click();
    await page.getByTestId('case-rename-input').fill('Patient B (venous)');
    await page.keyboard.press('Enter');
    await page.getByTestId('case-caseB').filter({ hasText: 'Patient B (venous)' }).waitFor();
    assert.equal((await readManifest(ws.dir)).cases.find((c) => c.id === 'caseB')!.name, 'Patient B (venous)');
    await page.getByTestId('case-delete-caseB').click();
    await page.getByTestId('answer-delete').click();
    await page.getByTestId('case-caseB').waitFor({ state: 'detached' });
    let m = await readManifest(ws.dir);
    assert.deepEqual(m.cases.map((c) => c.id).sort(), ['caseA', 'caseC']);
    assert.deepEqual(
      m.trash.map((t) => t.case.id),
      ['caseB'],
    );
    await stat(join(ws.dir, 'images', 'caseB.nii.gz')); // files stay until the trash is emptied
    await page.locator('[data-testid=trash] > summary').click();
    await page.getByTestId('trash-restore-caseB').click();
    await page.getByTestId('case-caseB').waitFor();
    m = await readManifest(ws.dir);
    assert.deepEqual(m.trash, []);
    assert.equal(m.cases.find((c) => c.id === 'caseB')!.name, 'Patient B (venous)');
  });

  it('story 4b: a locked test case is deleted only after the user agrees to unlock it', async () => {
    // A seeded split with a locked test share (the Split form sends this call).
    const lock = await page.evaluate(() =>
      fetch('/api/call/workspace.makeSplit', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ val: 0, test: 0.34, seed: 0, lockTest: true }),
      }).then((r) => r.json()),
    );
    assert.equal((lock as { ok: boolean }).ok, true, JSON.stringify(lock));
    const locked = (await readManifest(ws.dir)).cases.find((c) => c.testLocked)!;
    await page.getByTestId(`case-${locked.id}`).getByRole('button').first().click();
    await waitForCase(page, locked.id);
    await page.getByTestId(`case-delete-${locked.id}`).click();
    await page.getByTestId('question').filter({ hasText: 'Unlock and delete a test case?' }).waitFor();
    await shot(page, '06-delete-locked');
    await page.getByTestId('answer-cancel').click();
    assert.ok(
      (await readManifest(ws.dir)).cases.some((c) => c.id === locked.id && c.testLocked),
      'Cancel keeps it locked',
    );
    await page.getByTestId(`case-delete-${locked.id}`).click();
    await page.getByTestId('answer-delete').click();
    await page.getByTestId(`case-${locked.id}`).waitFor({ state: 'detached' });
    const m = await readManifest(ws.dir);
    assert.equal(m.trash[0].case.id, locked.id);
    assert.ok(!m.cases.some((c) => c.id === locked.id));
    if (!(await page.getByTestId(`trash-restore-${locked.id}`).isVisible())) await page.locator('[data-testid=trash] > summary').click();
    await page.getByTestId(`trash-restore-${locked.id}`).click();
    await page.getByTestId(`case-${locked.id}`).waitFor();
    const back = (await readManifest(ws.dir)).cases.find((c) => c.id === locked.id)!;
    assert.deepEqual([back.split, back.testLocked], ['test', false], 'restored as it was, unlocked');
  });

  it('story 5: the workspace picker creates and switches workspaces and lists recent ones; the status bar names the open one', async () => {
    const other = join(ws.root, 'second-ws');
    await page.getByTestId('workspace-button').click();
    await page.getByTestId('workspace-picker').waitFor();
    await page.getByTestId('workspace-path').fill(other);
    await page.getByTestId('workspace-open').click();
    await page.getByTestId('status-workspace').filter({ hasText: 'second-ws' }).waitFor({ timeout: 30_000 });
    await stat(join(other, 'lobule.json'));
    await page.getByTestId('workspace-button').click();
    await page.getByTestId('recent-ws').waitFor();
    await page.waitForTimeout(300);
    await shot(page, '07-workspace-picker');
    await page.getByTestId('recent-ws').click();
    await page.getByTestId('status-workspace').filter({ hasText: ws.dir }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !lobuleProbe.busy(), null, { timeout: 60_000 });
    await page.getByTestId('case-caseA').getByRole('button').first().click();
    await waitForCase(page, 'caseA');
  });

  it('story 6: a lost connection shows a banner at once; edits reach the journal after the host restarts (same token)', async () => {
    const port = session.serve.port;
    const firstUrl = session.serve.pageUrl;
    await session.serve.stop();
    const lostAt = Date.now();
    await page.getByTestId('connection-banner').waitFor({ timeout: 5000 });
    const shownAfterMs = Date.now() - lostAt;
    assert.ok(shownAfterMs < 4000, `banner after ${shownAfterMs} ms`);
    // Edit while offline: a brush stroke in the axial view.
    await page.getByTestId('tool-brush').click();
    await dragInView(page, 'viewport-axial', [0.4, 0.5], [0.6, 0.5], 8);
    await page.waitForFunction(() => lobuleProbe.dirty(), null, { timeout: 10_000 });
    await shot(page, '08-connection-lost');
    session.serve = await serveAgain(port);
    assert.equal(session.serve.pageUrl, firstUrl, 'the restarted server keeps the token of this workspace');
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
    // The edits made offline reach the journal once the host answers.
    await page.waitForFunction(
      async () => {
        const r = await fetch('/api/call/labels.journalInfo', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ caseId: 'caseA' }),
          credentials: 'same-origin',
        });
        return ((await r.json()) as { value: unknown }).value !== null;
      },
      null,
      { timeout: 20_000, polling: 500 },
    );
    const tokens = JSON.parse(await readFile(join(config, 'serve-tokens.json'), 'utf8')) as Record<string, string>;
    assert.equal(tokens[ws.dir], new URL(firstUrl).searchParams.get('token'));
    assert.equal((await stat(join(config, 'serve-tokens.json'))).mode & 0o777, 0o600, 'the token file is owner-only');
    assert.equal((await stat(config)).mode & 0o777, 0o700);
    await assert.rejects(stat(join(ws.dir, 'serve-tokens.json')), /ENOENT/, 'never in the workspace');
  });

  it('story 6b: a server restarted with another token: the page says the session ended and reconnects at the new address', async () => {
    const port = session.serve.port;
    await session.serve.stop();
    await rm(join(config, 'serve-tokens.json')); // the stored token is gone: the next serve makes a new one
    session.serve = await serveAgain(port);
    await page.getByTestId('connection-banner').and(page.locator('[data-state=ended]')).waitFor({ timeout: 15_000 });
    assert.match((await page.getByTestId('connection-banner').textContent()) ?? '', /This session has ended/);
    await shot(page, '10-session-ended');
    // `probe=1` loads the renderer's read-only test hooks, as openPage does.
    await page.getByLabel('New Lobule address').fill(`${session.serve.pageUrl}&probe=1`);
    page.once('dialog', (d) => void d.accept()); // "Leave site?": the offline edits are in the journal already
    await page.getByTestId('reconnect').click();
    await page.waitForURL((u) => u.searchParams.get('token') === new URL(session.serve.pageUrl).searchParams.get('token'));
    // The edits made while the host was away come back from the journal.
    await page.getByTestId('question').filter({ hasText: 'Recover unsaved edits?' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('answer-restore').click();
    await page.waitForFunction(() => lobuleProbe.caseId() === 'caseA' && lobuleProbe.dirty() && !lobuleProbe.busy(), null, {
      timeout: 60_000,
    });
    assert.equal(await page.getByTestId('connection-banner').count(), 0);
  });

  it('first start: without a workspace the app says where it made one and asks', async () => {
    const home = await mkdtemp(join(tmpdir(), 'lobule-e2e-home-'));
    const fresh = await startServe(null, { env: { HOME: home, LOBULE_CONFIG_DIR: join(home, 'config'), LOBULE_WORKSPACE: '' } });
    try {
      const { page: p } = await openPage(browser, fresh.pageUrl);
      await p.getByTestId('workspace-picker').filter({ hasText: 'Where should Lobule keep your work?' }).waitFor({ timeout: 30_000 });
      await p.waitForTimeout(300);
      await shot(p, '09-first-start');
      assert.match(
        (await p.getByTestId('workspace-picker').textContent()) ?? '',
        new RegExp(join(home, 'Lobule').replace(/[/.]/g, '\\$&')),
      );
      await p.getByTestId('workspace-keep').click();
      await p.getByTestId('status-workspace').filter({ hasText: 'Lobule' }).waitFor();
      await p.close();
    } finally {
      await fresh.stop();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('pixels: the axial view still shows the CT and no page error was logged', async () => {
    const s = await pixelStats(page, page.getByTestId('viewport-axial'));
    assert.ok(s.nonBlack > 0.2, `axial view mostly black: ${s.nonBlack}`);
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|net::/.test(e)),
      [],
    );
  });
});

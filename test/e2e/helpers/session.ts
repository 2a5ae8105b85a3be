/**
 * One browser e2e session, the setup every test/e2e file shares: the built app, a temporary workspace, the real
 * `lobule serve` on it with its own config folder (tokens and recent workspaces never touch the user's), Debian's
 * Chromium and one page with the test probe loaded. Use it as
 *
 *   let s: E2eSession;
 *   before(async () => { s = await openE2eSession({ openCase: 'caseA' }); });
 *   after(() => s?.close());
 *
 * and keep each test file's own helpers (screenshots, pixel checks) in that file.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { packageRoot } from '../../../engine/paths.js';
import { chromiumAvailable, launchChromium, openPage } from '../../../tools/browser/browser.js';
import { ensureBuilt } from '../../../tools/browser/build.js';
import { startServe, type RunningServe } from '../../../tools/browser/server.js';
import { waitForOpenCase, type CaseWait } from './probe.js';
import { makeWorkspaceFromSharedData, type TempWorkspace } from './workspace.js';

/** Where e2e screenshots go. */
export const RESULTS = join(packageRoot(), 'test-results');

/** The `skip` of every e2e describe: a reason when there is no Chromium to drive. */
export const skipWithoutChromium: string | false = chromiumAvailable()
  ? false
  : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)';

export interface E2eSessionOptions {
  /** The workspace to serve; default makeWorkspaceFromSharedData(). Its cleanup() runs on close. */
  readonly workspace?: () => Promise<TempWorkspace>;
  /** Runs on the workspace before the server starts (e.g. to choose the active model). */
  readonly prepare?: (ws: TempWorkspace) => Promise<void>;
  /** Page viewport; default openPage's 1400×860. */
  readonly viewport?: { width: number; height: number };
  /** Wait until this case (null: any case) is open before the tests run; default: no wait. */
  readonly openCase?: string | null;
  /** How the openCase wait waits (timeout, time to render the first frame). */
  readonly openWait?: CaseWait;
}

export interface E2eSession {
  readonly ws: TempWorkspace;
  /** The server's LOBULE_CONFIG_DIR; pass `{ env: { LOBULE_CONFIG_DIR: configDir } }` when restarting it. */
  readonly configDir: string;
  /** The running server; a test that restarts it assigns the new one here, so that close() stops that one. */
  serve: RunningServe;
  readonly browser: Browser;
  readonly page: Page;
  /** Console and page errors of `page` so far. */
  readonly errors: string[];
  /** Prints the page errors (the first 20), then closes the browser, stops the server, removes the folders. */
  close(): Promise<void>;
}

export async function openE2eSession(options: E2eSessionOptions = {}): Promise<E2eSession> {
  await mkdir(RESULTS, { recursive: true });
  ensureBuilt();
  // What is made so far, undone in reverse order on close() or when a later step of the setup fails.
  const undo: (() => Promise<unknown>)[] = [];
  const undoAll = async (): Promise<void> => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const ws = await (options.workspace ?? makeWorkspaceFromSharedData)();
    undo.push(() => ws.cleanup());
    const configDir = await mkdtemp(join(tmpdir(), 'lobule-e2e-config-'));
    undo.push(() => rm(configDir, { recursive: true, force: true }));
    await options.prepare?.(ws);
    // The session object is `live` itself, so a server a test assigns to session.serve is the one stopped.
    const live: { serve: RunningServe } = { serve: await startServe(ws.dir, { env: { LOBULE_CONFIG_DIR: configDir } }) };
    undo.push(() => live.serve.stop());
    const browser = await launchChromium();
    undo.push(() => browser.close());
    const { page, errors } = await openPage(browser, live.serve.pageUrl, options.viewport);
    undo.push(async () => errors.length > 0 && console.log(`page errors:\n${errors.slice(0, 20).join('\n')}`));
    if (options.openCase !== undefined) await waitForOpenCase(page, options.openCase, options.openWait);
    return Object.assign(live, { ws, configDir, browser, page, errors, close: undoAll });
  } catch (e) {
    await undoAll();
    throw e;
  }
}

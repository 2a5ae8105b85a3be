/**
 * The renderer's read-only test hooks (renderer/src/app/testProbe.ts, loaded by openPage's `probe=1`) as the
 * functions a test runs in the page see them, and the one wait for "this case is open and drawn" built on them.
 */
import type { Page } from 'playwright-core';

export interface LobuleProbe {
  voxelCount(value: number): number;
  caseId(): string | null;
  baseVersion(): string | null;
  dirty(): boolean;
  busy(): string | null;
  journaled(): boolean;
  voxelsAt(
    view: 'axial' | 'sagittal' | 'coronal',
    points: readonly (readonly [number, number])[],
  ): ({ label: number; value: number } | null)[];
  stats: { openMs: number[]; firstOpenAt: number };
}

declare global {
  // Page functions passed to waitForFunction / evaluate run in the browser, where this global exists.
  var lobuleProbe: LobuleProbe;
}

export interface CaseWait {
  /** How many case opens the page must have finished (a reopen of the same case counts again); default 1. */
  readonly opens?: number;
  readonly timeoutMs?: number;
  /** Extra time for the first frame to render after the open resolved; default 0. */
  readonly settleMs?: number;
}

/** Waits until `caseId` (any case when null) is open, `opens` opens are done and the app is not busy. */
export async function waitForOpenCase(page: Page, caseId: string | null, wait: CaseWait = {}): Promise<void> {
  const { opens = 1, timeoutMs = 60_000, settleMs = 0 } = wait;
  await page.waitForFunction(
    // After a reload the probe comes with the app's bundle, which loads after the page's entry script.
    ([id, n]) =>
      'lobuleProbe' in globalThis &&
      (id === null || lobuleProbe.caseId() === id) &&
      lobuleProbe.stats.openMs.length >= n &&
      !lobuleProbe.busy(),
    [caseId, opens] as const,
    { timeout: timeoutMs },
  );
  if (settleMs > 0) await page.waitForTimeout(settleMs);
}

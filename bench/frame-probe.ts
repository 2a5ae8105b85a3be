/**
 * Input → displayed frame latency in the page, as ../shared/notes/measuring-frames.md describes: `arm` records
 * a viewport's pixels, listens (capture phase) for the next input event of a type, and from then on checks the
 * viewport's canvas in every requestAnimationFrame callback. The first frame whose check sees a change is the frame
 * that draws it; it is on screen when the next frame begins, and that next frame's time minus the event's timestamp
 * is the latency. The page and the event share one clock (performance.now / Event.timeStamp). Polling starts at
 * `arm`, before the input: started only when `settle` arrives (after Playwright's input round trip), it saw a change
 * a frame late whenever the page had drawn it before that round trip ended.
 * The canvas read is the view's displayed one: Cornerstone's CPU-rendered planar views hide the WebGL canvas and
 * draw on a second canvas.
 */
import type { Page } from 'playwright-core';

/** Source of the in-page probe (DOM types are not part of the Node program, so it travels as text). */
const PROBE_SOURCE =
  `(() => {
  if (window.__frames) return;
  const canvasOf = (view) => [...document.querySelectorAll('[data-testid=viewport-' + view + '] canvas')]` +
  `.find((c) => c.style.display !== 'none' && c.height > 0);
  const read = (canvas, r) => canvas.getContext('2d').getImageData(r.x, r.y, r.w, r.h).data;
  let armed = null;
  const changedNow = (s) => {
    const canvas = canvasOf(s.view);
    if (canvas !== s.canvas || canvas.width !== s.width) return true;
    const now = read(canvas, s.r);
    for (let p = 0; p < now.length; p += 4) if (Math.abs(now[p] - s.base[p]) + Math.abs(now[p + 1] - s.base[p + 1]) > 6) return true;
    return false;
  };
  window.__frames = {
    arm(view, type, rel) {
      const canvas = canvasOf(view);
      const f = rel ?? [0.35, 0.35, 0.3, 0.3];
      const r = { x: Math.floor(canvas.width * f[0]), y: Math.floor(canvas.height * f[1]), ` +
  `w: Math.max(1, Math.floor(canvas.width * f[2])), h: Math.max(1, Math.floor(canvas.height * f[3])) };
      const state = { view, canvas, r, width: canvas.width, base: read(canvas, r), at: 0, drawnAt: 0, shownAt: 0, done: false };
      armed = state;
      window.addEventListener(type, (e) => { if (!state.at) state.at = e.timeStamp; }, { capture: true, once: true });
      const frame = (t) => {
        if (state.done) return;
        if (state.drawnAt) { state.shownAt = t; state.done = true; return; }
        if (state.at && changedNow(state)) state.drawnAt = t;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    async settle(timeoutMs) {
      const s = armed;
      const end = performance.now() + timeoutMs;
      while (!s.shownAt && performance.now() < end) await new Promise((res) => requestAnimationFrame(res));
      s.done = true;
      return s.shownAt ? s.shownAt - s.at : -1;
    },
  };
})()`;

export async function installFrameProbe(page: Page): Promise<void> {
  await page.evaluate(PROBE_SOURCE);
}

/**
 * Measures one action: arms the probe on `view` for the next `eventType`, runs `act` (real Playwright input),
 * and returns the input → changed-frame latency in ms (-1 when no change showed within `timeoutMs`).
 */
export async function frameLatency(
  page: Page,
  view: string,
  eventType: string,
  act: () => Promise<void>,
  region?: readonly [number, number, number, number],
  timeoutMs = 5000,
): Promise<number> {
  await page.evaluate(([v, t, r]) => (globalThis as unknown as ProbeWindow).__frames.arm(v, t, r), [
    view,
    eventType,
    region ?? null,
  ] as const);
  await act();
  return page.evaluate((ms) => (globalThis as unknown as ProbeWindow).__frames.settle(ms), timeoutMs);
}

interface ProbeWindow {
  __frames: { arm(view: string, type: string, rel: readonly number[] | null): void; settle(ms: number): Promise<number> };
}

export function percentile(xs: readonly number[], p: number): number {
  const s = xs.filter((x) => x >= 0).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

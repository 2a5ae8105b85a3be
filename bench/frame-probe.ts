/**
 * Input → displayed frame latency in the page, as ../shared/notes/measuring-frames.md describes: `arm` records
 * a viewport's pixels and listens (capture phase) for the next input event of a type; `settle` then polls one
 * requestAnimationFrame at a time until the viewport's canvas shows a change, and returns the time from the
 * event's timestamp to that frame. The page and the event share one clock (performance.now / Event.timeStamp).
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
  window.__frames = {
    arm(view, type, rel) {
      const canvas = canvasOf(view);
      const f = rel ?? [0.35, 0.35, 0.3, 0.3];
      const r = { x: Math.floor(canvas.width * f[0]), y: Math.floor(canvas.height * f[1]), ` +
  `w: Math.max(1, Math.floor(canvas.width * f[2])), h: Math.max(1, Math.floor(canvas.height * f[3])) };
      const state = { view, canvas, r, width: canvas.width, base: read(canvas, r), at: 0 };
      armed = state;
      window.addEventListener(type, (e) => { if (!state.at) state.at = e.timeStamp; }, { capture: true, once: true });
    },
    async settle(timeoutMs) {
      const s = armed;
      const end = performance.now() + timeoutMs;
      for (;;) {
        const t = await new Promise((res) => requestAnimationFrame(res));
        const canvas = canvasOf(s.view);
        let changed = canvas !== s.canvas || canvas.width !== s.width;
        if (!changed) {
          const now = read(canvas, s.r);
          let diff = 0;
          for (let p = 0; p < now.length; p += 4) if (Math.abs(now[p] - s.base[p]) + Math.abs(now[p + 1] - s.base[p + 1]) > 6) diff++;
          changed = diff > 0;
        }
        if (changed && s.at) return t - s.at;
        if (performance.now() > end) return -1;
      }
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

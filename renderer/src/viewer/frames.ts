/**
 * Resolves when what was drawn before the call is on screen: a change drawn now goes out with the next frame, and
 * that frame is displayed when the one after it begins (the rule of bench/frame-probe.ts).
 */
export function frameShown(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

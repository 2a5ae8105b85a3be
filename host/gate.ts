/**
 * A readers–writer gate for the host's workspace: ordinary calls run together ("shared"), while an exclusive
 * operation (an import running in a child process, which must hold the workspace lock itself) waits for them
 * to finish and holds new ones back until it is done. Hand-written: it is a dozen lines over promises.
 */
export class ExclusiveGate {
  private active = 0;
  private drained: (() => void) | null = null;
  private exclusiveTail: Promise<void> = Promise.resolve();
  private exclusiveHeld: Promise<void> | null = null;

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusiveHeld) await this.exclusiveHeld;
    this.active++;
    try {
      return await fn();
    } finally {
      if (--this.active === 0) this.drained?.();
    }
  }

  /** Runs `fn` alone: after the shared calls in flight have ended, before any new one starts. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const previous = this.exclusiveTail;
    this.exclusiveTail = previous.then(() => held);
    await previous;
    this.exclusiveHeld = held;
    try {
      if (this.active > 0) await new Promise<void>((r) => (this.drained = r));
      this.drained = null;
      return await fn();
    } finally {
      this.exclusiveHeld = null;
      release();
    }
  }
}

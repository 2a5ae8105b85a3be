/**
 * Whether the page can reach its host. The HTTP client reports every failure and answer (engine/api/http-client.ts):
 * a dropped event stream shows the banner at once; edits go on in the page and the unsaved ones are written to the
 * workspace journal as soon as the host answers again. A 401 means the session ended (the server restarted with
 * another token): the banner says so and offers to reconnect with the new address.
 */
import { currentConnection, onConnectionChange, type ConnectionState } from '../../../engine/api/http-client.js';

export class Connection {
  state = $state<ConnectionState>(currentConnection());
  /** When the connection was lost (ms since epoch), for the banner. */
  since = $state<number | null>(null);
  readonly #restored: (() => void)[] = [];
  #stop: (() => void) | undefined;

  start(): void {
    this.#stop = onConnectionChange((state) => {
      const was = this.state;
      this.state = state;
      this.since = state === 'online' ? null : (this.since ?? Date.now());
      if (state === 'online' && was !== 'online') for (const f of this.#restored) f();
    });
  }

  /** Runs `f` each time the host answers again after a loss. */
  onRestored(f: () => void): void {
    this.#restored.push(f);
  }

  /** Opens the page again: at `url` (the address the restarted server printed) or the same one. */
  reconnect(url?: string): void {
    const target = url?.trim();
    if (target && /^https?:\/\//.test(target)) window.location.href = target;
    else window.location.reload();
  }

  dispose(): void {
    this.#stop?.();
  }
}

/** Visible, actionable messages (errors with their hint) and the one modal question the app can ask. */
import { ApiError } from '../../../engine/api/contract.js';

export interface Message {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly title: string;
  readonly text: string;
  readonly hint?: string;
}

export interface Question {
  readonly title: string;
  readonly text: string;
  readonly choices: readonly { readonly id: string; readonly label: string; readonly primary?: boolean }[];
  readonly answer: (id: string) => void;
}

let nextId = 1;

export class Messages {
  list = $state<Message[]>([]);
  question = $state.raw<Question | null>(null);

  /** Shows an error from anywhere (ApiError keeps the host's hint). */
  error(e: unknown, what: string): void {
    // ApiError (and any {message, hint} a binding rejects with) keeps the host's message and hint.
    const like = typeof e === 'object' && e !== null ? (e as { message?: unknown; hint?: unknown }) : {};
    const text = typeof like.message === 'string' ? like.message : String(e);
    const hint = e instanceof ApiError ? e.hint : typeof like.hint === 'string' ? like.hint : undefined;
    console.error(`lobule: ${what} failed`, e);
    this.#push({ id: nextId++, kind: 'error', title: `${what} failed`, text, hint });
  }

  info(title: string, text: string): void {
    const message: Message = { id: nextId++, kind: 'info', title, text };
    this.#push(message);
    setTimeout(() => this.dismiss(message.id), 5000);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((m) => m.id !== id);
  }

  /** Asks the user; resolves with the chosen id (the first non-primary choice when dismissed with Esc). */
  ask(title: string, text: string, choices: Question['choices']): Promise<string> {
    return new Promise((resolve) => {
      this.question = {
        title,
        text,
        choices,
        answer: (id) => {
          this.question = null;
          resolve(id);
        },
      };
    });
  }

  #push(message: Message): void {
    this.list = [...this.list.slice(-4), message];
  }
}

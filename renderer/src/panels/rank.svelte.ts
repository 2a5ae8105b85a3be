/**
 * "What to correct next" in the dataset panel: runs the rank job (the active model's uncertainty on each
 * unlabelled and draft case, cached per model version) and keeps the order, most useful to correct first.
 */
import { ApiError, type JobInfo, type LobuleApi, type RankResult } from '../../../engine/api/contract.js';
import { watchJob } from '../app/jobWatcher.js';
import type { Messages } from '../app/messages.svelte.js';

export class RankState {
  job = $state.raw<JobInfo | null>(null);
  fraction = $state(0);
  result = $state.raw<RankResult | null>(null);
  readonly running = $derived(this.job !== null);
  readonly #api: LobuleApi;
  readonly #messages: Messages;

  constructor(api: LobuleApi, messages: Messages) {
    this.#api = api;
    this.#messages = messages;
  }

  async rank(): Promise<void> {
    try {
      this.fraction = 0;
      const job = await this.#api.jobs.rank({});
      this.job = job;
      watchJob(this.#api, job, {
        progress: (p) => (this.fraction = p.fraction),
        done: (info) => {
          this.job = null;
          if (info.state === 'succeeded' && info.result?.kind === 'rank') this.result = info.result;
          else if (info.state === 'failed')
            this.#messages.error(info.error ? new ApiError(info.error) : new Error('ranking failed'), 'Ranking cases');
        },
      });
    } catch (e) {
      this.job = null;
      this.#messages.error(e, 'Ranking cases');
    }
  }

  cancel(): void {
    if (this.job) void this.#api.jobs.cancel({ jobId: this.job.id }).catch(() => undefined);
  }
}

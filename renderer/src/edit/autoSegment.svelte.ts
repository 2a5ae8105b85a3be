/** Auto-segment of the open case: model picker, progress, cancel; the result is a draft label version. */
import type { JobInfo, LobuleApi, ModelId } from '../../../engine/api/contract.js';
import { watchJob } from '../app/jobWatcher.js';

export interface SegmentOutcome {
  readonly job: JobInfo;
}

export class AutoSegment {
  modelId = $state<ModelId | null>(null);
  job = $state.raw<JobInfo | null>(null);
  fraction = $state(0);
  stage = $state('');
  readonly running = $derived(this.job !== null);
  #stop: (() => void) | undefined;
  readonly #api: LobuleApi;

  constructor(api: LobuleApi) {
    this.#api = api;
  }

  /** Starts the job; `done` gets the terminal JobInfo (succeeded, failed or cancelled). */
  async start(caseId: string, done: (job: JobInfo) => void): Promise<void> {
    this.fraction = 0;
    this.stage = 'queued';
    const job = await this.#api.jobs.segment({ caseId, modelId: this.modelId ?? undefined });
    this.job = job;
    this.#stop = watchJob(this.#api, job, {
      progress: (p) => {
        this.fraction = Math.max(this.fraction, p.fraction);
        this.stage = p.stage;
      },
      done: (info) => {
        this.job = null;
        this.#stop = undefined;
        done(info);
      },
    });
  }

  async cancel(): Promise<void> {
    const job = this.job;
    if (job) await this.#api.jobs.cancel({ jobId: job.id });
  }

  dispose(): void {
    this.#stop?.();
  }
}

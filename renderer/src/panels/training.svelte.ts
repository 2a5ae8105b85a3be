/** The Training panel: start a fine-tune from the active model, live curves, stop, models and the active one. */
import { ApiError, type JobInfo, type LobuleApi, type TrainMetric } from '../../../engine/api/contract.js';
import { watchJob } from '../app/jobWatcher.js';
import type { Messages } from '../app/messages.svelte.js';
import type { WorkspaceState } from '../app/workspace.svelte.js';

export interface CurvePoint {
  readonly x: number;
  readonly y: number;
}

export class TrainingState {
  epochs = $state(2);
  patch = $state(64);
  /** 0: the trainer's default (a pass over the patches of every train case). */
  stepsPerEpoch = $state(0);
  /** The model to fine-tune: a model id, '' for the active model, 'scratch' for a new network. */
  from = $state('');
  seed = $state(1);
  name = $state('');
  job = $state.raw<JobInfo | null>(null);
  lastJob = $state.raw<JobInfo | null>(null);
  fraction = $state(0);
  stage = $state('');
  loss = $state.raw<CurvePoint[]>([]);
  valDice = $state.raw<CurvePoint[]>([]);
  readonly running = $derived(this.job !== null);
  #stop: (() => void) | undefined;
  readonly #api: LobuleApi;
  readonly #messages: Messages;
  readonly #workspace: WorkspaceState;

  constructor(api: LobuleApi, messages: Messages, workspace: WorkspaceState) {
    this.#api = api;
    this.#messages = messages;
    this.#workspace = workspace;
  }

  /** Starts a run from the picked (or active) model; failures and the end are reported as messages. */
  async start(): Promise<void> {
    try {
      await this.#start((job) => {
        if (job.state === 'failed') this.#messages.error(job.error ? new ApiError(job.error) : new Error('training failed'), 'Training');
        else if (job.state === 'succeeded') this.#messages.info('Training finished', 'The new model is in the list; set it active to use it');
        void this.#workspace.refreshModels();
      });
    } catch (e) {
      this.#messages.error(e, 'Starting training');
    }
  }

  async #start(done: (job: JobInfo) => void): Promise<void> {
    const activeModel = this.#workspace.activeModel ?? undefined;
    const fromModel = this.from === 'scratch' ? undefined : this.from ? this.from : activeModel?.id;
    this.loss = [];
    this.valDice = [];
    this.fraction = 0;
    this.stage = 'queued';
    const job = await this.#api.jobs.train({
      fromModel,
      epochs: this.epochs,
      ...(this.stepsPerEpoch > 0 && { stepsPerEpoch: this.stepsPerEpoch }),
      patch: this.patch,
      seed: this.seed,
      name: this.name.trim() || undefined,
    });
    this.job = job;
    this.#stop = watchJob(this.#api, job, {
      progress: (p) => {
        this.fraction = Math.max(this.fraction, p.fraction);
        this.stage = p.stage;
      },
      metric: (m) => this.#addMetric(m),
      done: (info) => {
        this.job = null;
        this.lastJob = info;
        this.#stop = undefined;
        done(info);
      },
    });
  }

  async stop(): Promise<void> {
    const job = this.job;
    if (job) await this.#api.jobs.cancel({ jobId: job.id });
  }

  #addMetric(m: TrainMetric): void {
    if (m.loss !== undefined && Number.isFinite(m.loss)) this.loss = [...this.loss, { x: m.step, y: m.loss }];
    if (m.valDice !== undefined && Number.isFinite(m.valDice)) this.valDice = [...this.valDice, { x: m.step, y: m.valDice }];
  }

  dispose(): void {
    this.#stop?.();
  }
}

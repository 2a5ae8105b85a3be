/**
 * The Training panel's state: the plan a run inherits (read from the host for the chosen model before Start),
 * the user's edits of the plan's main fields (the same field table as `lobule train`'s flags, so every default
 * is the plan's), live curves with epoch marks and time left, Stop, the new model's val Dice beside the active
 * model's, and "Set active" that asks, showing both numbers, when the model scored worse.
 */
import {
  ApiError,
  type JobInfo,
  type LobuleApi,
  type ModelSummary,
  type TrainMetric,
  type TrainPlan,
} from '../../../engine/api/contract.js';
import { fieldText, fieldValue, overrideFromTexts, type PlanFieldKey } from '../../../engine/common/train-plan/fields.js';
import type { PlanOverride } from '../../../engine/common/train-plan/schema.js';
import { watchJob } from '../app/jobWatcher.js';
import type { Messages } from '../app/messages.svelte.js';
import type { WorkspaceState } from '../app/workspace.svelte.js';

export interface CurvePoint {
  readonly x: number;
  readonly y: number;
}

/** The plan fields the panel shows, in this order (a subset of PLAN_FIELDS). */
export const FORM_FIELDS: readonly PlanFieldKey[] = [
  'minutes',
  'epochs',
  'stepsPerEpoch',
  'valEvery',
  'lr',
  'batch',
  'patch',
  'spacing',
  'labelMap',
  'seed',
];

export interface Comparison {
  readonly model: string;
  readonly dice: number;
  readonly baseModel: string | null;
  readonly baseDice: number | null;
  readonly cases: readonly string[];
}

/** Job ids mean nothing to a user; host messages that carry one ("a training job (job-…) is …") lose it. */
export function withoutJobIds(text: string): string {
  return text.replace(/\s*\(?\bjob-[\w-]+\)?/g, '');
}

function readable(e: unknown): unknown {
  if (e instanceof ApiError) return new ApiError({ name: e.name, code: e.code, message: withoutJobIds(e.message), hint: e.hint });
  return e;
}

export class TrainingState {
  /** The model to fine-tune: a model id, '' for the active model, 'scratch' for a new network. */
  from = $state('');
  name = $state('');
  /** The plan a run would inherit with the current `from` (before edits); null while it loads. */
  inherited = $state.raw<TrainPlan | null>(null);
  /** Field text the user typed; an empty or missing entry keeps the inherited value. */
  edits = $state<Partial<Record<PlanFieldKey, string>>>({});
  job = $state.raw<JobInfo | null>(null);
  lastJob = $state.raw<JobInfo | null>(null);
  stopping = $state(false);
  fraction = $state(0);
  stage = $state('');
  loss = $state.raw<CurvePoint[]>([]);
  valDice = $state.raw<CurvePoint[]>([]);
  /** Steps at which a new epoch began (marks on the curves' x axis). */
  epochMarks = $state.raw<number[]>([]);
  comparison = $state.raw<Comparison | null>(null);
  readonly running = $derived(this.job !== null);
  #stop: (() => void) | undefined;
  #lastEpoch = -1;
  #planRequest = 0;
  readonly #api: LobuleApi;
  readonly #messages: Messages;
  readonly #workspace: WorkspaceState;

  constructor(api: LobuleApi, messages: Messages, workspace: WorkspaceState) {
    this.#api = api;
    this.#messages = messages;
    this.#workspace = workspace;
  }

  /** The model id a run starts from, or undefined for a new network. */
  get fromModel(): string | undefined {
    return this.from === 'scratch' ? undefined : this.from || this.#workspace.activeModel?.id;
  }

  /** Reads the plan a run from `fromModel` inherits (the panel calls it whenever the choice changes). */
  async loadPlan(): Promise<void> {
    const request = ++this.#planRequest;
    try {
      const plan = await this.#api.models.trainPlan({ fromModel: this.fromModel });
      if (request === this.#planRequest) this.inherited = plan;
    } catch (e) {
      this.#messages.error(e, 'Reading the training plan');
    }
  }

  /** The inherited value of a field, as the form shows it. */
  inheritedText(key: PlanFieldKey): string {
    return this.inherited ? fieldText(fieldValue(this.inherited, key)) : '';
  }

  /** The form's edits as a plan override; throws a readable error (the field's label) for a value that does not parse. */
  override(): PlanOverride {
    const texts: Partial<Record<PlanFieldKey, string>> = {};
    for (const key of FORM_FIELDS) {
      const text = this.edits[key]?.trim();
      if (text) texts[key] = text;
    }
    const r = overrideFromTexts(texts);
    if (!r.ok) throw new Error(`${r.field.label}: ${r.message.replace(/^--\S+ /, '')}`);
    return r.override;
  }

  /** Starts a run; failures and the end are reported as messages that never show job ids. */
  async start(): Promise<void> {
    try {
      const plan = this.override();
      this.loss = [];
      this.valDice = [];
      this.epochMarks = [];
      this.#lastEpoch = -1;
      this.comparison = null;
      this.fraction = 0;
      this.stage = 'queued';
      this.stopping = false;
      const job = await this.#api.jobs.train({ fromModel: this.fromModel, plan, name: this.name.trim() || undefined });
      this.job = job;
      this.#stop = watchJob(this.#api, job, {
        progress: (p) => {
          this.fraction = Math.max(this.fraction, p.fraction);
          this.stage = p.stage;
        },
        metric: (m) => this.#addMetric(m),
        done: (info) => this.#finished(info),
      });
    } catch (e) {
      this.#messages.error(readable(e), 'Starting training');
    }
  }

  #finished(info: JobInfo): void {
    this.job = null;
    this.lastJob = info;
    this.stopping = false;
    this.#stop = undefined;
    if (info.state === 'failed' && info.error)
      this.#messages.error(new ApiError({ ...info.error, message: withoutJobIds(info.error.message) }), 'Training');
    else if (info.state === 'succeeded' && info.result?.kind === 'train') {
      const s = info.result.selection;
      this.comparison = s
        ? { model: info.result.modelId, dice: s.dice, baseModel: s.baseModel, baseDice: s.baseDice, cases: s.cases }
        : null;
      const verdict = !s
        ? 'No val case: no Dice is claimed.'
        : s.baseDice === null
          ? `Val Dice ${s.dice.toFixed(3)}.`
          : s.dice > s.baseDice
            ? `Better than ${s.baseModel} (${s.dice.toFixed(3)} vs ${s.baseDice.toFixed(3)}); set it active to use it.`
            : `Not better than ${s.baseModel} (${s.dice.toFixed(3)} vs ${s.baseDice.toFixed(3)}); the active model is unchanged.`;
      this.#messages.info('Training finished', verdict);
    }
    void this.#workspace.refreshModels();
  }

  async stop(): Promise<void> {
    const job = this.job;
    if (!job) return;
    this.stopping = true;
    try {
      await this.#api.jobs.cancel({ jobId: job.id });
    } catch (e) {
      this.#messages.error(e, 'Stopping training');
    }
  }

  /** Makes a model active; a model that scored below the active one on the same cases is confirmed first. */
  async setActive(m: ModelSummary): Promise<void> {
    const active = this.#workspace.activeModel;
    const s = m.selection;
    let confirmWorse = false;
    if (active && s && s.baseModel === active.id && s.baseDice !== null && s.dice < s.baseDice) {
      const answer = await this.#messages.ask(
        `Use ${m.name}, which scored worse?`,
        `On the val case${s.cases.length === 1 ? '' : 's'} ${s.cases.join(', ')}, ${m.name} scored Dice ${s.dice.toFixed(3)} and ` +
          `the active model ${active.name} ${s.baseDice.toFixed(3)}.`,
        [
          { id: 'keep', label: `Keep ${active.name}`, primary: true },
          { id: 'use', label: `Use ${m.name} anyway` },
        ],
      );
      if (answer !== 'use') return;
      confirmWorse = true;
    }
    try {
      await this.#api.models.setActive({ modelId: m.id, confirmWorse });
      await this.#workspace.refreshModels();
    } catch (e) {
      this.#messages.error(e, 'Setting the active model');
    }
  }

  #addMetric(m: TrainMetric): void {
    // A step event's epoch counts finished epochs, so the step where it grows is an epoch boundary.
    if (m.loss !== undefined && m.epoch !== this.#lastEpoch) {
      if (this.#lastEpoch >= 0 && m.epoch > this.#lastEpoch) this.epochMarks = [...this.epochMarks, m.step];
      this.#lastEpoch = m.epoch;
    }
    if (m.loss !== undefined && Number.isFinite(m.loss)) this.loss = [...this.loss, { x: m.step, y: m.loss }];
    if (m.valDice !== undefined && Number.isFinite(m.valDice)) this.valDice = [...this.valDice, { x: m.step, y: m.valDice }];
  }

  dispose(): void {
    this.#stop?.();
  }
}

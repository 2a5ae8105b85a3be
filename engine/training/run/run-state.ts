/**
 * A run's folder under the workspace's `runs/`: `state.json` (what `--resume` needs: the resolved plan,
 * stage, step, best validation so far, the device used), `events.jsonl` (every progress event, one JSON line each),
 * `checkpoint-<stage>.*` (the trainer's resumable checkpoint) and `best-<stage>.onnx` (the best network so
 * far as an inference model). Validated with zod when read back.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LobuleError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { TrainPlanSchema } from '../../common/train-plan/schema.js';

export const STAGES = ['coarse', 'fine'] as const;
export type StageName = (typeof STAGES)[number];

const bestSchema = z.object({
  dice: z.number(),
  step: z.number().int(),
  epoch: z.number().int(),
  perCase: z.record(z.string(), z.number()),
});
export type BestValidation = z.infer<typeof bestSchema>;

const caseRefSchema = z.object({
  id: z.string(),
  imageSha256: z.string(),
  labelSha256: z.string(),
  labelVersion: z.string().optional(),
  origin: z.string().optional(),
});
export type CaseRef = z.infer<typeof caseRefSchema>;

const scoreSchema = z.object({ model: z.string(), dice: z.number(), perCase: z.record(z.string(), z.number()) });

/**
 * The end-of-run comparison: the candidate and the model that was active, each through the full `segment`
 * pipeline on the same val cases. Its role is `selection`: these cases chose the best epoch, so the figure is not
 * a held-out test.
 */
export const selectionSchema = z.object({
  role: z.literal('selection'),
  cases: z.array(z.string()),
  candidate: scoreSchema,
  /** null when there was no active model to compare with. */
  base: scoreSchema.nullable(),
  better: z.boolean(),
});
export type Selection = z.infer<typeof selectionSchema>;

export const runStateSchema = z.object({
  schemaVersion: z.literal(2),
  runId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Name of the model package the run writes. */
  name: z.string(),
  command: z.string(),
  from: z.string().nullable(),
  /** The complete plan the run follows (inherited plan with every override applied). */
  plan: TrainPlanSchema,
  /** How workspace label values became the plan's classes. */
  classMapping: z.string(),
  /** Trained without val cases on purpose (--no-val): no val Dice is claimed. */
  noVal: z.boolean(),
  /** The execution provider the steps ran on (null before the first stage started). */
  device: z.string().nullable(),
  /** Why the last stage ended: its budget of steps or minutes, early stopping, or still running. */
  ended: z.enum(['steps', 'minutes', 'early-stop']).nullable(),
  selection: selectionSchema.nullable(),
  stages: z.array(z.enum(STAGES)).min(1),
  /** Index into `stages` of the stage in progress. */
  stageIndex: z.number().int().min(0),
  /** Steps done in the current stage (the next step to run). */
  step: z.number().int().min(0),
  /** Steps of the stages already finished. */
  completedSteps: z.number().int().min(0),
  best: z.record(z.string(), bestSchema.nullable()),
  validationsSinceBest: z.number().int().min(0),
  /** Seconds of training and validation so far, over all sessions of the run (the minutes budget counts them). */
  seconds: z.number().min(0),
  /** Seconds spent in the stages already finished. */
  completedSeconds: z.number().min(0),
  train: z.array(caseRefSchema),
  val: z.array(caseRefSchema),
  status: z.enum(['running', 'stopped', 'done', 'failed']),
  modelDir: z.string().nullable(),
});
export type RunState = z.infer<typeof runStateSchema>;

export class RunFolder {
  constructor(readonly dir: string) {}

  static async create(runsDir: string, runId: string): Promise<RunFolder> {
    const dir = join(runsDir, runId);
    await mkdir(dir, { recursive: true });
    return new RunFolder(dir);
  }

  /** @throws LobuleError E_NOT_FOUND naming the run and where runs are. */
  static async open(runsDir: string, runId: string): Promise<{ folder: RunFolder; state: RunState }> {
    const folder = new RunFolder(join(runsDir, runId));
    let text: string;
    try {
      text = await readFile(folder.statePath, 'utf8');
    } catch {
      throw new LobuleError(
        'E_NOT_FOUND',
        `run ${runId} does not exist in ${runsDir}`,
        'Pass the id of a run folder in the workspace runs/ (printed when the run started)',
      );
    }
    const r = runStateSchema.safeParse(JSON.parse(text));
    if (!r.success)
      throw new LobuleError(
        'E_CORRUPT',
        `${folder.statePath} is damaged: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`,
        'Start a new run instead of resuming this one',
      );
    return { folder, state: r.data };
  }

  get statePath(): string {
    return join(this.dir, 'state.json');
  }

  checkpointPath(stage: StageName): string {
    return join(this.dir, `checkpoint-${stage}.lbt`);
  }

  bestModelPath(stage: StageName): string {
    return join(this.dir, `best-${stage}.onnx`);
  }

  async saveState(state: RunState): Promise<void> {
    await writeFileAtomic(this.statePath, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n');
  }

  /**
   * Records how the run ended without touching anything else: state.json must keep describing the step its
   * checkpoint holds, which may be behind the state in memory when a step or validation failed half-way.
   */
  async markStatus(status: RunState['status']): Promise<void> {
    const saved = runStateSchema.parse(JSON.parse(await readFile(this.statePath, 'utf8')));
    await this.saveState({ ...saved, status });
  }

  async appendEvent(event: unknown): Promise<void> {
    await appendFile(join(this.dir, 'events.jsonl'), JSON.stringify(event) + '\n');
  }
}

/** A sortable, readable run id: run-YYYYMMDD-HHMMSS plus the process id (two runs started in one second differ). */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${process.pid}`;
}

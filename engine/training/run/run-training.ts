/**
 * `runTraining`: a whole training run — cases from the workspace (never the test split), the plan (inherited
 * from the model being fine-tuned, or a plan file, or the study's, then the user's overrides), preprocessing
 * into the disk cache, one or two stages, validation, early stopping, the minutes budget, checkpoints, stop and
 * resume — ending in a model package whose `training.json` records the full plan, the device used and the
 * comparison of the candidate with the workspace's active model on the val cases. Training never makes a model
 * active. Runs in the caller's process; the CLI and the app's job processes call it.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { basename, join } from 'node:path';
import { LobuleError, isLobuleError, cancelledError } from '../../errors.js';
import { defaultModelSearchDirs, resolveModel, writeModelPackage, type ModelPackage } from '../../models/package.js';
import type { CaseStatus } from '../../workspace/manifest.js';
import { STUDY_PLAN } from '../../common/train-plan/defaults.js';
import { fineTunePlan } from '../../common/train-plan/merge.js';
import type { PlanOverride, TrainPlan } from '../../common/train-plan/schema.js';
import type { Device } from '../../onnx/session-factory.js';
import { PreprocessedCache } from '../data/cache.js';
import type { Size3 } from '../data/config.js';
import { checkPatch, type ModelSpec } from '../spec.js';
import { OrtTrainer } from '../trainer.js';
import { applyOverride } from '../plan/load.js';
import { planOfPackage } from '../plan/of-package.js';
import { classMapping } from '../plan/classes.js';
import { buildCard, COARSE_ONNX_FILE, TRAINING_RECORD_FILE } from './card.js';
import { workspaceCases } from './cases.js';
import { coarseRoiCases } from './coarse-roi.js';
import { scoreOnCases } from './compare.js';
import type { TrainEventHandler, TrainResult } from './events.js';
import { networkFromOnnx, networksOfPackage, type NetworkFromOnnx } from './from-model.js';
import { lrSchedule, optimizerFor } from './hyper.js';
import { RunFolder, newRunId, type RunState, type Selection, type StageName } from './run-state.js';
import { caseSource, hashCase, loadView, prepareCases, stageView, type ClassContext, type TrainCase } from './stage-data.js';
import { runStage, type StepTrainer } from './stage-loop.js';
import type { ValidationCase } from './validate.js';

export interface PlanLayer {
  /** Where the override comes from, for errors ("lobule train flags", "--spec spec.json"). */
  readonly source: string;
  readonly override: PlanOverride;
}

export interface PlanRequest {
  readonly workspaceDir?: string;
  /** A complete plan to start from (a `--plan` file, resolved) instead of the inherited one. */
  readonly plan?: TrainPlan;
  /** Fine-tune from this model (name or folder; workspace models first, then bundled): its plan is inherited. */
  readonly from?: string;
  /** Applied in order onto the base plan. */
  readonly overrides?: readonly PlanLayer[];
}

export interface RunTrainingOptions extends PlanRequest {
  readonly workspaceDir: string;
  /** Continue this run (its id, a folder name under the workspace's runs/); only budget overrides apply. */
  readonly resume?: string;
  /** Name of the model package to write (default liver-<run id>). */
  readonly name?: string;
  /** The command line that started the run, recorded in the model card. */
  readonly command?: string;
  /** Default `auto`: the GPU when there is one, else the CPU with one logged line. */
  readonly device?: Device;
  /** Train without val cases on purpose; the run then claims no val Dice and compares nothing. */
  readonly noVal?: boolean;
  /** Case statuses training reads (default the workspace's training statuses, i.e. verified). */
  readonly statuses?: readonly CaseStatus[];
  /** Where the package goes (default the workspace's models/). */
  readonly modelsDir?: string;
  readonly description?: string;
  /** Where the one line about `auto` falling back to the CPU goes (default stderr). */
  readonly log?: (line: string) => void;
}

export interface RunControl {
  readonly signal?: AbortSignal;
  readonly onEvent?: TrainEventHandler;
}

export interface ResolvedPlan {
  readonly plan: TrainPlan;
  /** The plan before the overrides (what the Training panel shows as inherited). */
  readonly inherited: TrainPlan;
  readonly fromPackage?: ModelPackage;
  readonly fromNets?: { fine: NetworkFromOnnx; coarse?: NetworkFromOnnx };
  /** plan.coarse.from: the model whose network is the coarse stage, unchanged. */
  readonly coarseFrom?: CoarseFrom;
}

/** A coarse network taken from another model (plan.coarse.from): its ONNX as shipped and its spec. */
interface CoarseFrom {
  readonly bytes: Uint8Array;
  readonly net: NetworkFromOnnx;
}

function withoutCoarseFrom(plan: TrainPlan): TrainPlan {
  return { ...plan, coarse: { ...plan.coarse, from: null } };
}

/** Resolves plan.coarse.from; only a fine-stage run can pair with a coarse network it does not train. */
async function resolveCoarseFrom(plan: TrainPlan, workspaceDir: string | undefined): Promise<CoarseFrom | undefined> {
  const name = plan.coarse.from;
  if (!name) return undefined;
  if (plan.stage !== 'fine') {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `coarse.from (${name}) takes the coarse network from that model, so this run trains only the fine stage, not "${plan.stage}"`,
      'Set stage to "fine" (--stage fine), or leave coarse.from out to train the coarse model',
    );
  }
  if (!plan.coarse.spacing) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `coarse.from (${name}) runs that model at its own spacing, and coarse.spacing is not set`,
      `Set coarse.spacing and coarse.patch to ${name}'s targetSpacing and patchSize (lobule-model.json)`,
    );
  }
  const pkg = await resolveModel(name, defaultModelSearchDirs(workspaceDir));
  // A two-stage model lends the network that finds its ROI, not its fine model.
  if (pkg.coarseModelBytes && pkg.coarseModelPath)
    return { bytes: pkg.coarseModelBytes, net: networkFromOnnx(pkg.coarseModelBytes, pkg.coarseModelPath) };
  return { bytes: pkg.modelBytes, net: networkFromOnnx(pkg.modelBytes, pkg.modelPath) };
}

/**
 * The plan a run follows: `plan` or, fine-tuning, the base model's recorded plan with its fineTune budget, else
 * the study's; then each override. A fine-tune keeps its model's network (the weights must fit it).
 */
export async function resolveRunPlan(o: PlanRequest): Promise<ResolvedPlan> {
  let inherited = o.plan ?? STUDY_PLAN;
  let fromPackage: ModelPackage | undefined;
  let fromNets: ResolvedPlan['fromNets'];
  if (o.from) {
    fromPackage = await resolveModel(o.from, defaultModelSearchDirs(o.workspaceDir));
    fromNets = networksOfPackage(fromPackage);
    // A recorded coarse.from named the model the coarse network came from when that plan ran; the package itself
    // now carries that network (and may carry the same name), so the fine-tune takes it from the package.
    const recorded = o.plan ?? withoutCoarseFrom(await planOfPackage(fromPackage.dir, fromPackage.card, fromNets.fine.spec));
    inherited = fineTunePlan({ ...recorded, network: fromNets.fine.spec });
  }
  let plan = inherited;
  for (const layer of o.overrides ?? []) plan = applyOverride(plan, layer.override, layer.source);
  if (fromNets && !isDeepStrictEqual(plan.network, fromNets.fine.spec)) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `the plan's network differs from the network of ${o.from}, which is being fine-tuned`,
      'Leave the network (--spec) out when fine-tuning, or train from scratch without --from',
    );
  }
  return { plan, inherited, fromPackage, fromNets, coarseFrom: await resolveCoarseFrom(plan, o.workspaceDir) };
}

interface Setup {
  readonly state: RunState;
  readonly folder: RunFolder;
  readonly resumed: boolean;
  readonly fromPackage?: ModelPackage;
  readonly fromNets?: ResolvedPlan['fromNets'];
  readonly coarseFrom?: CoarseFrom;
}

function stagesOf(plan: TrainPlan): StageName[] {
  return plan.stage === 'both' ? ['coarse', 'fine'] : [plan.stage];
}

/** The trainer's patch order is [z, y, x]; the plan's is (x, y, z). */
function zyx(p: Size3): [number, number, number] {
  return [p[2], p[1], p[0]];
}

function stagePatch(plan: TrainPlan, stage: StageName): Size3 {
  return stage === 'coarse' ? (plan.coarse.patch ?? plan.coarse.resizeTo) : plan.sampling.patch;
}

function checkStages(plan: TrainPlan, r: ResolvedPlan, from: string | undefined): void {
  if (plan.stage === 'coarse' && !r.fromNets) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      'a coarse-only run trains the ROI model for an existing fine model, and none was given',
      'Pass --from MODEL (its fine model is kept and paired with the new coarse model), or use --stage both',
    );
  }
  if (
    plan.stage === 'coarse' &&
    from &&
    r.fromPackage &&
    !isDeepStrictEqual(plan.preprocess.spacing, r.fromPackage.card.preprocessing.targetSpacing)
  ) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `a coarse-only run keeps the fine model of ${from}, which works at ${r.fromPackage.card.preprocessing.targetSpacing.join('×')} mm`,
      'Leave --spacing out for --stage coarse',
    );
  }
  for (const stage of stagesOf(plan)) checkPatch(plan.network, zyx(stagePatch(plan, stage)));
}

async function newRunState(o: RunTrainingOptions, train: TrainCase[], val: TrainCase[], runsDir: string, mapping: string): Promise<Setup> {
  const resolved = await resolveRunPlan(o);
  const { plan } = resolved;
  checkStages(plan, resolved, o.from);
  const runId = newRunId();
  const folder = await RunFolder.create(runsDir, runId);
  const now = new Date().toISOString();
  const state: RunState = {
    schemaVersion: 2,
    runId,
    createdAt: now,
    updatedAt: now,
    name: o.name ?? `liver-${runId.slice(4)}`,
    command: o.command ?? 'runTraining()',
    from: o.from ?? null,
    plan,
    classMapping: mapping,
    noVal: o.noVal === true,
    device: null,
    ended: null,
    selection: null,
    stages: stagesOf(plan),
    stageIndex: 0,
    step: 0,
    best: {},
    validationsSinceBest: 0,
    seconds: 0,
    completedSeconds: 0,
    completedSteps: 0,
    train: await Promise.all(train.map(hashCase)),
    val: await Promise.all(val.map(hashCase)),
    status: 'running',
    modelDir: null,
  };
  await folder.saveState(state);
  return { state, folder, resumed: false, fromPackage: resolved.fromPackage, fromNets: resolved.fromNets, coarseFrom: resolved.coarseFrom };
}

async function resumedRunState(o: RunTrainingOptions, runsDir: string, train: TrainCase[], val: TrainCase[]): Promise<Setup> {
  const { folder, state } = await RunFolder.open(runsDir, o.resume as string);
  if (state.status === 'done')
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `run ${state.runId} already finished (model ${state.name})`,
      'Start a new run, or fine-tune from its model with --from',
    );
  const ids = (xs: { id: string }[]) =>
    xs
      .map((x) => x.id)
      .sort()
      .join(',');
  if (ids(train) !== ids(state.train) || ids(val) !== ids(state.val)) {
    throw new LobuleError(
      'E_WORKSPACE',
      `the workspace's train/val cases changed since run ${state.runId} started`,
      'Start a new run to train on the current cases',
    );
  }
  let fromPackage: ModelPackage | undefined;
  let fromNets: Setup['fromNets'];
  if (state.from) {
    fromPackage = await resolveModel(state.from, defaultModelSearchDirs(o.workspaceDir));
    fromNets = networksOfPackage(fromPackage);
  }
  // What a resumed run takes from the new command: where it ends (e.g. to finish early with the best model so far).
  for (const layer of o.overrides ?? []) {
    if (layer.override.budget) state.plan = applyOverride(state.plan, { budget: layer.override.budget }, layer.source);
  }
  if (o.command) state.command = `${state.command}; then ${o.command}`;
  state.status = 'running';
  const coarseFrom = await resolveCoarseFrom(state.plan, o.workspaceDir);
  return { state, folder, resumed: true, fromPackage, fromNets, coarseFrom };
}

async function trainerFor(
  setup: Setup,
  stage: StageName,
  device: Device,
  log?: (line: string) => void,
): Promise<{ trainer: StepTrainer; provider: string }> {
  const { state, folder } = setup;
  const plan = state.plan;
  let t: OrtTrainer;
  const resumeHere = setup.resumed && state.stages[state.stageIndex] === stage && state.step > 0;
  if (resumeHere) t = await OrtTrainer.loadCheckpoint(folder.checkpointPath(stage), { device, log });
  else {
    const init = stage === 'coarse' ? setup.fromNets?.coarse : setup.fromNets?.fine;
    t = await OrtTrainer.create(
      plan.network,
      {
        loss: plan.loss.kind,
        diceOverBatch: plan.loss.overBatch,
        optimizer: optimizerFor(plan),
        patch: zyx(stagePatch(plan, stage)),
        batch: plan.sampling.batch,
      },
      { weights: init?.weights, seed: plan.seeds.train + (stage === 'coarse' ? 1 : 0), device, log },
    );
  }
  return {
    provider: t.device,
    trainer: {
      step: (i, l, lr, signal) => t.step(i, l, lr, signal),
      weights: () => t.weights(),
      saveCheckpoint: (p) => t.saveCheckpoint(p),
      release: () => t.dispose(),
    },
  };
}

export async function runTraining(o: RunTrainingOptions, control: RunControl = {}): Promise<TrainResult> {
  const emit = control.onEvent ?? (() => undefined);
  const { workspace, train, val: workspaceVal } = await workspaceCases(o.workspaceDir, o.statuses);
  const names = { ...workspace.status().labelNames };
  const runsDir = workspace.runsDir();
  const modelsDir = o.modelsDir ?? workspace.modelsDir();
  await workspace.close();
  if (workspaceVal.length === 0 && !o.noVal && !o.resume) {
    throw new LobuleError(
      'E_WORKSPACE',
      `workspace ${o.workspaceDir} has no verified val case: without one, nothing can show whether the new model is better or worse ` +
        `than the one you have`,
      'Assign at least one verified case to the val split (`lobule workspace set-split CASE val`, or the Dataset panel), or pass ' +
        '--no-val to train without validation (no val Dice is then claimed)',
    );
  }
  const val = o.noVal ? [] : workspaceVal;
  // Checked before any CPU is spent: a finished run must never replace a model (or any folder) the user has.
  if (!o.resume && o.name && existsSync(join(modelsDir, o.name))) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `${join(modelsDir, o.name)} already exists`,
      'Choose another model name (--name), or remove that folder first',
    );
  }
  const setup = o.resume ? await resumedRunState(o, runsDir, train, val) : await newRunState(o, train, val, runsDir, '');
  const { state, folder } = setup;
  const mapping = classMapping(state.plan, names);
  state.classMapping = mapping.describe;
  const emitAndLog: TrainEventHandler = (e) => {
    emit(e);
    void folder.appendEvent(e).catch(() => undefined);
  };
  emitAndLog({ type: 'start', runId: state.runId, runDir: folder.dir, resumed: setup.resumed, train: train.length, val: val.length });
  try {
    const classes: ClassContext = { mapping, plan: state.plan, names };
    const result = await trainStages({ o, setup, train, val, classes, modelsDir, emit: emitAndLog, signal: control.signal });
    emitAndLog({ type: 'done', result });
    return result;
  } catch (e) {
    const cancelled = isLobuleError(e) && e.code === 'E_CANCELLED';
    await folder.markStatus(cancelled ? 'stopped' : 'failed').catch(() => undefined);
    throw e;
  }
}

function twoStageOf(setup: Setup): boolean {
  return setup.state.stages.includes('coarse') || !!setup.coarseFrom || !!setup.fromNets?.coarse;
}

async function coarseBytesOf(setup: Setup): Promise<Uint8Array | undefined> {
  if (setup.state.stages.includes('coarse')) return new Uint8Array(await readFile(setup.folder.bestModelPath('coarse')));
  return setup.coarseFrom?.bytes ?? setup.fromPackage?.coarseModelBytes;
}

/** The card options every card of a run shares. */
function cardShape(setup: Setup): { name: string; version: string; twoStage: boolean; coarseActivation?: ModelSpec['outputActivation'] } {
  const coarseNet = setup.coarseFrom?.net ?? setup.fromNets?.coarse;
  return { name: setup.state.name, version: '1', twoStage: twoStageOf(setup), coarseActivation: coarseNet?.spec.outputActivation };
}

/** What one run's stages and its packaging share. */
interface RunContext {
  readonly o: RunTrainingOptions;
  readonly setup: Setup;
  readonly train: TrainCase[];
  readonly val: TrainCase[];
  readonly classes: ClassContext;
  readonly modelsDir: string;
  readonly emit: TrainEventHandler;
  readonly signal?: AbortSignal;
}

async function trainStages(run: RunContext): Promise<TrainResult> {
  const { o, setup, train, val, classes, emit, signal } = run;
  const { state, folder } = setup;
  const plan = state.plan;
  const device = o.device ?? 'auto';
  const twoStage = twoStageOf(setup);
  const card = buildCard(plan, plan.network, cardShape(setup));
  // The device is settled (an explicit one that fails is an error) before any preprocessing is spent.
  let current = await trainerFor(setup, state.stages[state.stageIndex], device, o.log);
  state.device = current.provider;
  emit({ type: 'device', device: current.provider });
  const cache = new PreprocessedCache(join(folder.dir, '..', '.cache'));
  let stageEnded: TrainResult['ended'] = 'steps';
  try {
    const data = await prepareCases(
      [...train, ...val],
      [...state.train, ...state.val],
      card,
      classes,
      cache,
      (caseId, done, total) => emit({ type: 'preprocess', caseId, done, total }),
      signal,
    );
    const secondsBudget = plan.budget.minutes === null ? null : (plan.budget.minutes * 60) / state.stages.length;
    for (;;) {
      const stage = state.stages[state.stageIndex];
      const view = stageView(stage, twoStage, plan);
      let valCases: ValidationCase[] = val.map((c) => ({ id: c.id, load: () => loadView(data, c.id, view) }));
      if (stage === 'fine' && twoStage && valCases.length > 0) {
        const coarse = await coarseBytesOf(setup);
        const full = val.map((c) => ({ id: c.id, load: () => loadView(data, c.id, { kind: 'full' }) }));
        if (coarse)
          valCases = await coarseRoiCases(full, Object.keys(plan.classes).length, coarse, card, current.provider as Device, signal);
      }
      try {
        const outcome = await runStage({
          stage,
          plan,
          spec: plan.network,
          patch: stagePatch(plan, stage),
          state,
          folder,
          trainer: current.trainer,
          signal,
          emit,
          train: caseSource(
            data,
            train.map((c) => c.id),
            view,
          ),
          val: valCases,
          secondsBudget,
          lrAt: lrSchedule(plan),
          device: current.provider as Device,
        });
        stageEnded = outcome.ended;
      } finally {
        // A stopped run does not wait for the step in flight: the job ends now, the session closes after it.
        if (signal?.aborted) void current.trainer.release().catch(() => undefined);
        else await current.trainer.release();
      }
      if (signal?.aborted) throw cancelledError('training');
      if (state.stageIndex === state.stages.length - 1) break;
      state.completedSteps += state.step;
      state.completedSeconds = state.seconds;
      state.stageIndex++;
      state.step = 0;
      state.validationsSinceBest = 0;
      await folder.saveState(state);
      current = await trainerFor(setup, state.stages[state.stageIndex], current.provider as Device, o.log);
    }
  } catch (e) {
    // Whatever ended the run (Stop, bad data, a full disk), its session goes; releasing twice is harmless.
    void current.trainer.release().catch(() => undefined);
    throw e;
  }
  state.ended = stageEnded;
  return writePackage(run);
}

/** The package's model files: the fine model this run trained (or, coarse-only, the one it was paired with). */
async function packageBytes(setup: Setup): Promise<{ fine: Uint8Array; coarse?: Uint8Array }> {
  const { state, folder } = setup;
  const fine = state.stages.includes('fine') ? new Uint8Array(await readFile(folder.bestModelPath('fine'))) : setup.fromPackage!.modelBytes;
  return { fine, coarse: twoStageOf(setup) ? await coarseBytesOf(setup) : undefined };
}

async function writePackage(run: RunContext): Promise<TrainResult> {
  const { o, setup, val, classes, modelsDir, emit, signal } = run;
  const { state, folder } = setup;
  const plan = state.plan;
  const bytes = await packageBytes(setup);
  const draft = buildCard(plan, plan.network, cardShape(setup));
  const candidate: ModelPackage = {
    dir: join(modelsDir, state.name),
    card: draft,
    modelPath: join(modelsDir, state.name, 'model.onnx'),
    modelBytes: bytes.fine,
    coarseModelPath: bytes.coarse ? join(modelsDir, state.name, COARSE_ONNX_FILE) : undefined,
    coarseModelBytes: bytes.coarse,
  };
  const selection = val.length > 0 ? await compareWithActive(o, state, candidate, val, classes, emit, signal) : null;
  state.selection = selection;
  const finalStage = state.stages[state.stages.length - 1];
  const best = state.best[finalStage] ?? null;
  const metrics: Record<string, number> = {};
  if (selection) {
    metrics.valDice = selection.candidate.dice;
    for (const [id, d] of Object.entries(selection.candidate.perCase)) metrics[`valDice.${id}`] = d;
    if (selection.base) metrics.activeModelValDice = selection.base.dice;
  }
  if (best) metrics.modelGridValDice = best.dice;
  if (state.best.coarse) metrics.coarseValDice = state.best.coarse.dice;
  const describe = (r: RunState['train'][number]) =>
    `${r.id} (image sha256 ${r.imageSha256}, label sha256 ${r.labelSha256}${r.origin ? `, imported from ${r.origin}` : ''})`;
  const stoppedEarly = state.ended === 'early-stop';
  const card = buildCard(plan, plan.network, {
    ...cardShape(setup),
    description: o.description ?? `Liver model trained by Lobule (run ${state.runId})`,
    provenance: {
      data: `train: ${state.train.map(describe).join('; ')}. val: ${
        state.val.map(describe).join('; ') || (state.noVal ? 'none (--no-val)' : 'none')
      }`,
      metrics,
      evaluations: selection
        ? [
            {
              role: 'selection',
              metric: 'dice',
              value: selection.candidate.dice,
              caseIds: selection.cases,
              perCase: selection.candidate.perCase,
              labelSource: 'unknown',
              command: state.command,
              note: `full segment pipeline on the val cases that chose the best epoch${
                selection.base ? `; the then-active model ${selection.base.model} scored ${selection.base.dice.toFixed(4)} on them` : ''
              }`,
            },
          ]
        : undefined,
      command: state.command,
      date: new Date().toISOString(),
      notes:
        `${plan.stage} stage; ${state.completedSteps + state.step} steps ` +
        `of ${plan.budget.epochs}×${plan.budget.stepsPerEpoch}; ${plan.optimizer.kind} lr ${plan.optimizer.lr}; ` +
        `seed ${plan.seeds.train}; ${Math.round(state.seconds)} s on ${state.device}; ended by ${state.ended}${
          state.from ? `; fine-tuned from ${state.from}` : ''
        }${
          selection?.base
            ? `; val Dice ${selection.candidate.dice.toFixed(4)} ` +
              `vs ${selection.base.dice.toFixed(4)} for the active model ${selection.base.model}`
            : ''
        }. Full plan ` +
        `in ${TRAINING_RECORD_FILE}`,
    },
  });
  const dir = await writeModelPackage(join(modelsDir, state.name), card, bytes.fine, bytes.coarse);
  state.status = 'done';
  state.modelDir = dir;
  await writeFile(join(dir, TRAINING_RECORD_FILE), JSON.stringify(state, null, 2) + '\n');
  await folder.saveState(state);
  return {
    kind: 'train',
    runId: state.runId,
    modelId: state.name,
    modelDir: dir,
    bestValDice: best?.dice ?? null,
    perCaseValDice: best?.perCase ?? {},
    selection,
    steps: state.completedSteps + state.step,
    seconds: state.seconds,
    stoppedEarly,
    ended: state.ended ?? 'steps',
    device: state.device ?? 'cpu',
  };
}

/** Candidate vs the workspace's active model (or the bundled default), full segment pipeline, same val cases. */
async function compareWithActive(
  o: RunTrainingOptions,
  state: RunState,
  candidate: ModelPackage,
  val: TrainCase[],
  classes: ClassContext,
  emit: TrainEventHandler,
  signal?: AbortSignal,
): Promise<Selection> {
  const device = (state.device ?? 'cpu') as Device;
  const onCase = (model: string, caseId: string, done: number, total: number) => emit({ type: 'compare', model, caseId, done, total });
  const opts = { device, signal, onCase, log: o.log };
  const cand = await scoreOnCases(state.name, candidate, val, classes, opts);
  let base: Selection['base'] = null;
  const active = await resolveModel(undefined, defaultModelSearchDirs(o.workspaceDir)).catch(() => null);
  if (active) base = await scoreOnCases(basename(active.dir), active, val, classes, opts);
  return { role: 'selection', cases: val.map((c) => c.id), candidate: cand, base, better: base === null || cand.dice > base.dice };
}

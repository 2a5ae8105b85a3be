/**
 * `runTraining`: a whole training run — cases from the workspace (never the test split), preprocessing into the
 * disk cache, one or two stages (coarse ROI model, fine model), validation, early stopping, checkpoints, cancel
 * and resume — ending in a model package in the workspace's models/ whose card records how it was made.
 * Runs in the caller's process; the CLI and the hosts' job workers call it from their own process so the app
 * stays responsive.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LobuleError, isLobuleError, cancelledError } from '../../errors.js';
import { defaultModelSearchDirs, resolveModel, writeModelPackage } from '../../models/package.js';
import type { ModelCard } from '../../models/card.js';
import type { CaseStatus } from '../../workspace/manifest.js';
import { PreprocessedCache } from '../data/cache.js';
import { labelLut, parseTrainConfig, size3, type Size3, type TrainConfig, type TrainConfigInput } from '../data/config.js';
import { defaultModelSpec, checkPatch, type ModelSpec } from '../spec.js';
import { OrtTrainer, type TrainDevice } from '../trainer.js';
import { buildCard, TRAINING_RECORD_FILE } from './card.js';
import { workspaceCases } from './cases.js';
import type { TrainEventHandler, TrainResult } from './events.js';
import { networksOfPackage, type NetworkFromOnnx } from './from-model.js';
import { lrSchedule, optimizerFor } from './hyper.js';
import { RunFolder, newRunId, type RunState, type StageName } from './run-state.js';
import { caseSource, hashCase, loadView, prepareCases, stageView, type TrainCase } from './stage-data.js';
import { runStage, type StepTrainer } from './stage-loop.js';

export interface RunTrainingOptions {
  readonly workspaceDir: string;
  /** Run settings (defaults: the study's). On resume the run's saved configuration is used, except `epochs`. */
  readonly config?: TrainConfigInput;
  /** Network spec; default the study's residual U-Net [16, 32, 64, 128, 256] (or the --from model's). */
  readonly spec?: ModelSpec;
  /** Fine-tune from this model (name or folder; workspace models first, then bundled). */
  readonly from?: string;
  /** Continue this run (its id, a folder name under the workspace's runs/). */
  readonly resume?: string;
  /** Name of the model package to write (default liver-<run id>). */
  readonly name?: string;
  /** The command line that started the run, recorded in the model card. */
  readonly command?: string;
  readonly device?: TrainDevice;
  /** Case statuses training reads (default the workspace's training statuses, i.e. verified). */
  readonly statuses?: readonly CaseStatus[];
  /** Where the package goes (default the workspace's models/). */
  readonly modelsDir?: string;
  readonly description?: string;
}

export interface RunControl {
  readonly signal?: AbortSignal;
  readonly onEvent?: TrainEventHandler;
}

interface Setup {
  readonly state: RunState;
  readonly folder: RunFolder;
  readonly resumed: boolean;
  readonly fromNets?: { fine: NetworkFromOnnx; coarse?: NetworkFromOnnx };
  readonly fromCard?: ModelCard;
}

function stagesOf(config: TrainConfig): StageName[] {
  return config.stage === 'both' ? ['coarse', 'fine'] : [config.stage];
}

/** The trainer's patch order is [z, y, x]; the run's is (x, y, z). */
function zyx(p: Size3): [number, number, number] {
  return [p[2], p[1], p[0]];
}

function stagePatch(config: TrainConfig, stage: StageName): Size3 {
  return stage === 'coarse' ? size3(config.coarse.patch ?? config.coarse.resizeTo) : size3(config.patch);
}

async function newRunState(o: RunTrainingOptions, train: TrainCase[], val: TrainCase[], runsDir: string): Promise<Setup> {
  let config = parseTrainConfig(o.config ?? {});
  let spec = o.spec ?? defaultModelSpec();
  let fromNets: Setup['fromNets'];
  let fromCard: ModelCard | undefined;
  if (o.from) {
    const pkg = await resolveModel(o.from, defaultModelSearchDirs(o.workspaceDir));
    fromNets = networksOfPackage(pkg);
    fromCard = pkg.card;
    spec = fromNets.fine.spec;
    // A fine-tuned network must see its inputs as it was trained: spacing and window come from its card.
    const pre = pkg.card.preprocessing;
    config = parseTrainConfig({ ...config, preprocess: { spacing: pre.targetSpacing, clip: pre.intensity.clip }, patch: o.config?.patch ?? pre.patchSize });
    if (config.stage === 'both' && !fromNets.coarse) fromNets = { fine: fromNets.fine };
  }
  for (const stage of stagesOf(config)) checkPatch(spec, zyx(stagePatch(config, stage)));
  const runId = newRunId();
  const folder = await RunFolder.create(runsDir, runId);
  const now = new Date().toISOString();
  const state: RunState = {
    schemaVersion: 1, runId, createdAt: now, updatedAt: now,
    name: o.name ?? `liver-${runId.slice(4)}`,
    command: o.command ?? 'runTraining()',
    from: o.from ?? null,
    config, spec, stages: stagesOf(config), stageIndex: 0, step: 0,
    best: {}, validationsSinceBest: 0, seconds: 0, completedSteps: 0,
    train: await Promise.all(train.map(hashCase)),
    val: await Promise.all(val.map(hashCase)),
    status: 'running', modelDir: null,
  };
  await folder.saveState(state);
  return { state, folder, resumed: false, fromNets, fromCard };
}

async function resumedRunState(o: RunTrainingOptions, runsDir: string, train: TrainCase[], val: TrainCase[]): Promise<Setup> {
  const { folder, state } = await RunFolder.open(runsDir, o.resume as string);
  if (state.status === 'done') throw new LobuleError('E_INVALID_ARGUMENT', `run ${state.runId} already finished (model ${state.name})`, 'Start a new run, or fine-tune from its model with --from');
  const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort().join(',');
  if (ids(train) !== ids(state.train) || ids(val) !== ids(state.val)) {
    throw new LobuleError('E_WORKSPACE', `the workspace's train/val cases changed since run ${state.runId} started`, 'Start a new run to train on the current cases');
  }
  let fromNets: Setup['fromNets'];
  if (state.from) fromNets = networksOfPackage(await resolveModel(state.from, defaultModelSearchDirs(o.workspaceDir)));
  // The one setting a resumed run takes: where it ends (e.g. to finish a long run early with the best model so far).
  if (o.config?.epochs !== undefined) state.config = parseTrainConfig({ ...state.config, epochs: o.config.epochs });
  if (o.command) state.command = `${state.command}; then ${o.command}`;
  state.status = 'running';
  return { state, folder, resumed: true, fromNets };
}

async function trainerFor(setup: Setup, stage: StageName, device: TrainDevice | undefined): Promise<StepTrainer> {
  const { state, folder } = setup;
  const config = state.config;
  const log = () => undefined;
  let t: OrtTrainer;
  const resumeHere = setup.resumed && state.stages[state.stageIndex] === stage && state.step > 0;
  if (resumeHere) t = await OrtTrainer.loadCheckpoint(folder.checkpointPath(stage), { device, log });
  else {
    const init = stage === 'coarse' ? setup.fromNets?.coarse : setup.fromNets?.fine;
    t = await OrtTrainer.create(
      state.spec,
      { loss: config.loss === 'dice-ce' ? 'dice_ce' : 'dice', diceOverBatch: config.diceOverBatch, optimizer: optimizerFor(config), patch: zyx(stagePatch(config, stage)), batch: config.batch },
      { weights: init?.weights, seed: config.seed + (stage === 'coarse' ? 1 : 0), device, log },
    );
  }
  return { step: (i, l, lr) => t.step(i, l, lr), weights: () => t.weights(), saveCheckpoint: (p) => t.saveCheckpoint(p), release: () => t.dispose() };
}

export async function runTraining(o: RunTrainingOptions, control: RunControl = {}): Promise<TrainResult> {
  const emit = control.onEvent ?? (() => undefined);
  const { workspace, train, val } = await workspaceCases(o.workspaceDir, o.statuses);
  const runsDir = workspace.runsDir();
  const modelsDir = o.modelsDir ?? workspace.modelsDir();
  await workspace.close();
  // Checked before any CPU is spent: a finished run must never replace a model (or any folder) the user has.
  if (!o.resume && o.name && existsSync(join(modelsDir, o.name))) {
    throw new LobuleError('E_INVALID_ARGUMENT', `${join(modelsDir, o.name)} already exists`, 'Choose another model name (--name), or remove that folder first');
  }
  const setup = o.resume ? await resumedRunState(o, runsDir, train, val) : await newRunState(o, train, val, runsDir);
  const { state, folder } = setup;
  const emitAndLog: TrainEventHandler = (e) => {
    emit(e);
    void folder.appendEvent(e).catch(() => undefined);
  };
  emitAndLog({ type: 'start', runId: state.runId, runDir: folder.dir, resumed: setup.resumed, train: train.length, val: val.length });
  try {
    const result = await trainStages(o, setup, train, val, modelsDir, emitAndLog, control.signal);
    emitAndLog({ type: 'done', result });
    return result;
  } catch (e) {
    const cancelled = isLobuleError(e) && e.code === 'E_CANCELLED';
    await folder.markStatus(cancelled ? 'stopped' : 'failed').catch(() => undefined);
    throw e;
  }
}

async function trainStages(o: RunTrainingOptions, setup: Setup, train: TrainCase[], val: TrainCase[], modelsDir: string, emit: TrainEventHandler, signal?: AbortSignal): Promise<TrainResult> {
  const { state, folder } = setup;
  const config = state.config;
  const twoStage = state.stages.includes('coarse') || !!setup.fromNets?.coarse;
  const card = buildCard(config, state.spec, { name: state.name, version: '1', twoStage });
  const cache = new PreprocessedCache(join(runsDir(folder), '.cache'));
  const all = [...train, ...val];
  const data = await prepareCases(all, [...state.train, ...state.val], card, config.labelMap, labelLut(config.labelMap), cache, (caseId, done, total) => emit({ type: 'preprocess', caseId, done, total }), signal);
  let stoppedEarly = false;
  for (;;) {
    const stage = state.stages[state.stageIndex];
    const view = stageView(stage, twoStage, config);
    const trainer = await trainerFor(setup, stage, o.device);
    try {
      const outcome = await runStage({
        stage, config, spec: state.spec, patch: stagePatch(config, stage), state, folder, trainer, signal, emit,
        train: caseSource(data, train.map((c) => c.id), view),
        val: val.map((c) => ({ id: c.id, load: () => loadView(data, c.id, view) })),
        lrAt: lrSchedule(config),
        device: o.device,
      });
      stoppedEarly ||= outcome.stoppedEarly;
    } finally {
      await trainer.release();
    }
    if (signal?.aborted) throw cancelledError('training');
    if (state.stageIndex === state.stages.length - 1) break;
    state.completedSteps += state.step;
    state.stageIndex++;
    state.step = 0;
    state.validationsSinceBest = 0;
    await folder.saveState(state);
  }
  return writePackage(o, setup, card, modelsDir, stoppedEarly);
}

function runsDir(folder: RunFolder): string {
  return join(folder.dir, '..');
}

async function writePackage(o: RunTrainingOptions, setup: Setup, draft: ModelCard, modelsDir: string, stoppedEarly: boolean): Promise<TrainResult> {
  const { state, folder } = setup;
  const fine = state.best.fine ?? null;
  const metrics: Record<string, number> = {};
  if (fine) {
    metrics.valDice = fine.dice;
    for (const [id, d] of Object.entries(fine.perCase)) metrics[`valDice.${id}`] = d;
  }
  if (state.best.coarse) metrics.coarseValDice = state.best.coarse.dice;
  const describe = (r: RunState['train'][number]) => `${r.id} (image sha256 ${r.imageSha256}, label sha256 ${r.labelSha256}${r.origin ? `, imported from ${r.origin}` : ''})`;
  const c = state.config;
  const card = buildCard(c, state.spec, {
    name: state.name,
    version: '1',
    description: o.description ?? `Liver model trained by Lobule (run ${state.runId})`,
    twoStage: draft.coarse !== undefined,
    provenance: {
      data: `train: ${state.train.map(describe).join('; ')}. val: ${state.val.map(describe).join('; ') || 'none'}`,
      metrics,
      command: state.command,
      date: new Date().toISOString(),
      notes: `spec ${JSON.stringify(state.spec.channels)} ${state.spec.block}; ${c.stage} stage; epochs ${c.epochs}; patch ${JSON.stringify(c.patch)}; batch ${c.batch}; ${c.optimizer} lr ${c.lr}; schedule ${c.schedule.kind}; seed ${c.seed}; ${Math.round(state.seconds)} s of training${stoppedEarly ? '; stopped early' : ''}${state.from ? `; fine-tuned from ${state.from}` : ''}`,
    },
  });
  const fineBytes = new Uint8Array(await readFile(folder.bestModelPath('fine')));
  let coarseBytes: Uint8Array | undefined;
  if (card.coarse) {
    if (state.stages.includes('coarse')) coarseBytes = new Uint8Array(await readFile(folder.bestModelPath('coarse')));
    else if (state.from) coarseBytes = (await resolveModel(state.from, defaultModelSearchDirs(o.workspaceDir))).coarseModelBytes;
  }
  const dir = await writeModelPackage(join(modelsDir, state.name), card, fineBytes, coarseBytes);
  await writeFile(join(dir, TRAINING_RECORD_FILE), JSON.stringify({ ...state, status: 'done', modelDir: dir }, null, 2) + '\n');
  state.status = 'done';
  state.modelDir = dir;
  await folder.saveState(state);
  return {
    kind: 'train', runId: state.runId, modelId: state.name, modelDir: dir,
    bestValDice: fine?.dice ?? null, perCaseValDice: fine?.perCase ?? {},
    steps: state.completedSteps + state.step, seconds: state.seconds, stoppedEarly,
  };
}

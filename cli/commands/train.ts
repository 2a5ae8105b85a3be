/**
 * `lobule train`: trains a model on the workspace's verified train cases, validates on its val cases, and writes
 * the best model as a package in the workspace's models/. Runs in this CLI process (the app starts it as its own
 * job process). Ctrl-C writes a checkpoint; `--resume RUN` continues from it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { LobuleError } from '../../engine/errors.js';
import { parseModelSpec } from '../../engine/training/spec.js';
import { parseTrainConfig, type TrainConfigInput } from '../../engine/training/data/config.js';
import { runTraining } from '../../engine/training/run/run-training.js';
import type { TrainEvent } from '../../engine/training/run/events.js';
import type { TrainDevice } from '../../engine/training/trainer.js';
import { ProgressBar } from './train-progress.js';

const USAGE = `Usage: lobule train --workspace DIR [options]

Trains on the workspace's verified train cases, validates on its val cases (never reads the test split), and
writes the best model by val Dice to DIR/models/NAME.

Options:
  --workspace DIR        the workspace (required)
  --from MODEL           fine-tune from a model (name or folder; e.g. the bundled "liver")
  --spec FILE            network spec JSON (default: residual U-Net [16,32,64,128,256])
  --config FILE          run configuration JSON (TrainConfig; flags below override it)
  --epochs N             epochs (default 100)
  --patch P              patch edge in voxels, or X,Y,Z (default 96)
  --batch B              patches per step (default 2)
  --lr X                 learning rate (default 1e-3)
  --optimizer NAME       novograd | adam | sgd (default novograd)
  --schedule NAME        cosine-restarts | poly (default cosine-restarts, T0 5, Tmult 3)
  --val-every N          validate every N epochs (default 2)
  --patience N           stop after N validations without improvement (default 10; 0 = never)
  --stage S              fine | coarse | both (default fine; both = coarse ROI model + fine model)
  --label-map MAP        e.g. 2:1 or 5:1 (unlisted values become background)
  --spacing MM           target spacing, one value or X,Y,Z (default 1.5)
  --seed S               seed of every random choice (default 0)
  --name NAME            model package name (default liver-<run id>)
  --description TEXT     description written into the model card
  --out DIR              write the package into DIR/NAME instead of the workspace's models/
  --device D             cpu | cuda | dml | coreml (default cpu)
  --resume RUN           continue a stopped run (its id, under DIR/runs/); with --epochs, end it there
                         (a run past that epoch is packaged at once with its best model so far)
  --json                 one JSON line per step and validation instead of a progress bar`;

function numberFlag(v: string | undefined, flag: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new LobuleError('E_INVALID_ARGUMENT', `${flag} ${v} is not ${integer ? 'an integer' : 'a number'}`, `Pass ${flag} with a number`);
  return n;
}

function tripleFlag(v: string | undefined, flag: string, integer: boolean): number | [number, number, number] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((p) => numberFlag(p.trim(), flag, integer) as number);
  if (parts.length === 1) return parts[0];
  if (parts.length !== 3) throw new LobuleError('E_INVALID_ARGUMENT', `${flag} ${v} needs one value or three (X,Y,Z)`, `e.g. ${flag} 96 or ${flag} 128,128,64`);
  return [parts[0], parts[1], parts[2]];
}

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new LobuleError('E_INVALID_ARGUMENT', `${what} ${path} cannot be read as JSON (${(e as Error).message})`, `Pass a JSON file to ${what}`);
  }
}

type Values = Record<string, string | boolean | undefined>;

const STRING_FLAGS = ['workspace', 'from', 'spec', 'config', 'epochs', 'patch', 'batch', 'lr', 'optimizer', 'schedule', 'val-every', 'patience', 'stage', 'label-map', 'spacing', 'seed', 'name', 'description', 'out', 'device', 'resume'];

async function configFrom(v: Values): Promise<TrainConfigInput> {
  const base = (v.config ? await readJson(v.config as string, '--config') : {}) as Record<string, unknown>;
  const s = (k: string) => v[k] as string | undefined;
  const spacing = tripleFlag(s('spacing'), '--spacing', false);
  const flags: Record<string, unknown> = {
    epochs: numberFlag(s('epochs'), '--epochs', true),
    patch: tripleFlag(s('patch'), '--patch', true),
    batch: numberFlag(s('batch'), '--batch', true),
    lr: numberFlag(s('lr'), '--lr', false),
    optimizer: s('optimizer'),
    schedule: s('schedule') ? { kind: s('schedule') } : undefined,
    valEvery: numberFlag(s('val-every'), '--val-every', true),
    patience: numberFlag(s('patience'), '--patience', true),
    stage: s('stage'),
    labelMap: s('label-map'),
    seed: numberFlag(s('seed'), '--seed', true),
    preprocess: spacing !== undefined ? { ...((base.preprocess as object) ?? {}), spacing: typeof spacing === 'number' ? [spacing, spacing, spacing] : spacing } : undefined,
  };
  const merged = { ...base, ...Object.fromEntries(Object.entries(flags).filter(([, x]) => x !== undefined)) };
  parseTrainConfig(merged, 'lobule train options'); // fail before opening anything
  return merged as TrainConfigInput;
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train or fine-tune a model on the workspace’s verified cases',
  usage: USAGE,
  async run(argv) {
    const options: Record<string, { type: 'string' | 'boolean' }> = { json: { type: 'boolean' } };
    for (const k of STRING_FLAGS) options[k] = { type: 'string' };
    const values = parseArgs({ args: argv, options, strict: true }).values as Values;
    if (!values.workspace) throw new LobuleError('E_INVALID_ARGUMENT', 'lobule train needs --workspace DIR', 'Pass the workspace folder to train from');
    const spec = values.spec ? parseModelSpec(await readJson(values.spec as string, '--spec'), `--spec ${values.spec}`) : undefined;
    const config = await configFrom(values);
    const json = values.json === true;
    const bar = json ? undefined : new ProgressBar(process.stderr);
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
      process.stderr.write('\nstopping: writing a checkpoint (Ctrl-C again to quit at once)\n');
    };
    process.on('SIGINT', onSigint);
    try {
      const result = await runTraining(
        {
          workspaceDir: values.workspace as string,
          config,
          spec,
          from: values.from as string | undefined,
          resume: values.resume as string | undefined,
          name: values.name as string | undefined,
          description: values.description as string | undefined,
          modelsDir: values.out as string | undefined,
          device: values.device as TrainDevice | undefined,
          command: ['lobule', 'train', ...argv].join(' '),
        },
        { signal: controller.signal, onEvent: (e: TrainEvent) => (json ? console.log(JSON.stringify(e)) : bar?.update(e)) },
      );
      bar?.finish();
      if (!json) console.log(`model ${result.modelId} written to ${result.modelDir} (best val Dice ${result.bestValDice?.toFixed(4) ?? 'n/a'}, run ${result.runId})`);
      return 0;
    } catch (e) {
      bar?.finish();
      if (e instanceof LobuleError && e.code === 'E_CANCELLED') {
        console.error(`training stopped; continue with: lobule train --workspace ${values.workspace} --resume <run id shown above>`);
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

/**
 * `lobule train`: trains or fine-tunes on the workspace's verified train cases, validates on its val cases, and
 * writes the best model as a package in the workspace's models/. The plan is inherited (from the --from model,
 * or --plan FILE, or the study's); every plan flag is an override generated from the plan's field table, so
 * the flags, their help and their defaults cannot drift from the schema. At the end it prints the new model's
 * val Dice beside the active model's on the same cases; it never makes the new model active.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { LobuleError } from '../../engine/errors.js';
import { parseModelSpec } from '../../engine/training/spec.js';
import { loadPlanFile } from '../../engine/training/plan/load.js';
import { runTraining, type PlanLayer } from '../../engine/training/run/run-training.js';
import type { TrainEvent, TrainResult } from '../../engine/training/run/events.js';
import { DEVICES } from '../../engine/onnx/session-factory.js';
import { parseDevice } from './options.js';
import { STUDY_PLAN } from '../../engine/common/train-plan/defaults.js';
import { fineTunePlan } from '../../engine/common/train-plan/merge.js';
import { fieldText, fieldValue, overrideFromTexts, PLAN_FIELDS } from '../../engine/common/train-plan/fields.js';
import { ProgressBar } from './train-progress.js';

const PLAN_FLAG_HELP = PLAN_FIELDS.map((f) => {
  const study = fieldText(fieldValue(STUDY_PLAN, f.key));
  const tune = fieldText(fieldValue(fineTunePlan(STUDY_PLAN), f.key));
  const dflt = study === tune ? study : `${tune} fine-tuning, ${study} from scratch`;
  return `  --${`${f.flag} ${f.kind === 'enum' ? 'NAME' : 'V'}`.padEnd(21)}${f.help} (study plan: ${dflt})`;
}).join('\n');

const USAGE = `Usage: lobule train --workspace DIR [--from MODEL] [--plan FILE] [plan flags] [options]

Trains on the workspace's verified train cases and picks the best model on its val cases (never reads the test
split). The plan is inherited: with --from, the plan the model was made with (its fine-tune budget: 400 steps,
at most 15 minutes); with --plan FILE, that plan; else the study's. Plan flags override single fields. At the
end the new model and the workspace's active model are both run through \`lobule segment\`'s pipeline on the
val cases and their Dice printed side by side; the active model is never changed by training.

Options:
  --workspace DIR        the workspace (required)
  --from MODEL           fine-tune from a model (name or folder; e.g. the bundled "liver"), inheriting its plan
  --plan FILE            a training plan JSON (e.g. assets/models/recipes/liver/plan.json; may inherit others)
  --spec FILE            network spec JSON (training from scratch only)
  --no-val               train without val cases on purpose (no val Dice is claimed, nothing is compared)
  --name NAME            model package name (default liver-<run id>)
  --description TEXT     description written into the model card
  --out DIR              write the package into DIR/NAME instead of the workspace's models/
  --device D             ${DEVICES.join(' | ')} (default auto: the GPU if usable, else the CPU, said in one line)
  --resume RUN           continue a stopped run (its id, under DIR/runs/); --epochs/--minutes change where it ends
  --json                 one JSON line per event instead of a progress bar

Plan flags:
${PLAN_FLAG_HELP}`;

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `${what} ${path} cannot be read as JSON (${(e as Error).message})`,
      `Pass a JSON file to ${what}`,
    );
  }
}

type Values = Record<string, string | boolean | undefined>;

const OWN_FLAGS = ['workspace', 'from', 'plan', 'spec', 'name', 'description', 'out', 'device', 'resume'];

/** The plan flags given, as one override (each value parsed by its field's kind). */
export function flagsOverride(v: Values): PlanLayer | null {
  const given = PLAN_FIELDS.flatMap((f) => (typeof v[f.flag] === 'string' ? [[f.key, v[f.flag]]] : []));
  const r = overrideFromTexts(Object.fromEntries(given));
  if (!r.ok) throw new LobuleError('E_INVALID_ARGUMENT', r.message, `Pass --${r.field.flag} as ${r.field.help}`);
  return r.given > 0 ? { source: 'lobule train flags', override: r.override } : null;
}

/** The end-of-run lines: where the model is, and its val Dice beside the active model's on the same cases. */
export function summaryLines(r: TrainResult): string[] {
  const lines = [
    `model ${r.modelId} written to ${r.modelDir} (${r.steps} steps, ${(r.seconds / 60).toFixed(1)} min on ${r.device}, ended ` +
      `by ${r.ended}; run ${r.runId})`,
  ];
  const s = r.selection;
  if (!s) {
    lines.push('no val cases (--no-val): no val Dice is claimed; check the model on a case you know before using it');
    return lines;
  }
  lines.push(
    `val Dice through the segment pipeline on ${s.cases.length} val case${s.cases.length === 1 ? '' : 's'} (${s.cases.join(', ')}):`,
  );
  const width = Math.max(s.candidate.model.length, s.base?.model.length ?? 0) + 2;
  if (s.base) lines.push(`  ${s.base.model.padEnd(width)}${s.base.dice.toFixed(4)}  (active model)`);
  lines.push(`  ${s.candidate.model.padEnd(width)}${s.candidate.dice.toFixed(4)}  (new)`);
  if (!s.base) lines.push('no active model to compare with');
  else if (s.better)
    lines.push(
      `the new model is better by ${(s.candidate.dice - s.base.dice).toFixed(4)}; the active model is unchanged until you ` +
        `set ${s.candidate.model} active`,
    );
  else lines.push(`the new model is NOT better (${(s.candidate.dice - s.base.dice).toFixed(4)}); keep using ${s.base.model}`);
  return lines;
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train or fine-tune a model on the workspace’s verified cases',
  usage: USAGE,
  async run(argv) {
    const options: Record<string, { type: 'string' | 'boolean' }> = { json: { type: 'boolean' }, 'no-val': { type: 'boolean' } };
    for (const k of [...OWN_FLAGS, ...PLAN_FIELDS.map((f) => f.flag)]) options[k] = { type: 'string' };
    const values = parseArgs({ args: argv, options, strict: true }).values as Values;
    if (!values.workspace)
      throw new LobuleError('E_INVALID_ARGUMENT', 'lobule train needs --workspace DIR', 'Pass the workspace folder to train from');
    const overrides: PlanLayer[] = [];
    if (values.spec)
      overrides.push({
        source: `--spec ${values.spec}`,
        override: { network: parseModelSpec(await readJson(values.spec as string, '--spec'), `--spec ${values.spec}`) },
      });
    const flags = flagsOverride(values);
    if (flags) overrides.push(flags);
    const plan = values.plan ? await loadPlanFile(values.plan as string) : undefined;
    const json = values.json === true;
    const bar = json ? undefined : new ProgressBar(process.stderr);
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
      process.stderr.write('\nstopping: writing a checkpoint (Ctrl-C again to quit at once)\n');
    };
    process.on('SIGINT', onSigint);
    let runId = values.resume as string | undefined;
    try {
      const result = await runTraining(
        {
          workspaceDir: values.workspace as string,
          plan,
          overrides,
          from: values.from as string | undefined,
          resume: values.resume as string | undefined,
          name: values.name as string | undefined,
          description: values.description as string | undefined,
          modelsDir: values.out as string | undefined,
          device: values.device === undefined ? undefined : parseDevice(values.device as string),
          noVal: values['no-val'] === true,
          command: ['lobule', 'train', ...argv].join(' '),
          log: (line) => process.stderr.write(line + '\n'),
        },
        {
          signal: controller.signal,
          onEvent: (e: TrainEvent) => {
            if (e.type === 'start') runId = e.runId;
            if (json) console.log(JSON.stringify(e));
            else bar?.update(e);
          },
        },
      );
      bar?.finish();
      if (!json) for (const line of summaryLines(result)) console.log(line);
      return 0;
    } catch (e) {
      bar?.finish();
      if (e instanceof LobuleError && e.code === 'E_CANCELLED') {
        console.error(`training stopped; continue with: lobule train --workspace ${values.workspace} --resume ${runId ?? '<run id>'}`);
        // The checkpoint is written. A step that was in flight is still computing in ONNX Runtime's threads, and
        // a normal exit would wait for it; ending on the Ctrl-C signal itself returns the prompt now.
        process.removeAllListeners('SIGINT');
        process.kill(process.pid, 'SIGINT');
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

/**
 * `lobule evaluate`: runs a model through the full segmentation pipeline on a workspace's verified cases and
 * compares with their labels (Dice, IoU, HD95, ASSD, NSD, volumes), then writes a report under
 * `<workspace>/reports/`. Every figure it prints says its role (train / selection / held-out) and label source.
 */
import { basename } from 'node:path';
import { LobuleError } from '../../engine/errors.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { defaultModelSearchDirs, resolveModel } from '../../engine/models/package.js';
import { abortOnCtrlC, DEVICE_OPTION, defineCommand, parseDevice } from './options.js';
import { DEFAULT_NSD_TOLERANCE_MM } from '../../engine/common/metrics/segmentation-metrics.js';
import { LABEL_SOURCE_PATTERN, formatMetricValue, labelSourceWords, type LabelSource } from '../../engine/common/metrics/roles.js';
import { EVALUATION_SPLITS, selectEvaluationCases, type EvaluationSplit } from '../../engine/evaluation/select-cases.js';
import { rolesFor, runEvaluation, type EvaluationRun } from '../../engine/evaluation/evaluation-run.js';
import { withoutPictures, writeReport } from '../../engine/evaluation/report-files.js';

const USAGE = `Usage: lobule evaluate --workspace DIR [--split val|test|train] [--cases A,B] [--model NAME|DIR] [--json] [--out DIR]

Segments each verified case of a split (default val) with the model exactly as 'lobule segment' does, compares
with the case's latest (verified) label, and writes report.html, cases.csv and evaluation.json to
DIR/reports/<time>-<model>-<split>/ (or --out). The test split is read only when named: --split test.

Options:
  --workspace DIR        the workspace (required)
  --split S              val (default), test or train
  --cases A,B            only these cases (of that split)
  --model NAME|DIR       default: the workspace's active model, else the bundled one
  --device D             auto (default), cpu, cuda, dml or coreml
  --nsd-tolerance MM     tolerance of normalized surface Dice, DeepMind's area-weighted definition (default ${DEFAULT_NSD_TOLERANCE_MM} mm)
  --label-source S       who made the reference labels: expert, model-generated:<tool> or unknown
                         (default: from the workspace's record: drawn in Lobule = expert, imported = unknown)
  --out DIR              write the report files here instead
  --json                 print the evaluation (without pictures) and the report paths as JSON

Ctrl-C cancels; a cancelled run writes nothing.`;

const roleWord = (role: string) => (role === 'heldOut' ? 'held-out' : role);

function table(run: EvaluationRun): string {
  const cols = ['dice', 'iou', 'hd95Mm', 'assdMm', 'nsd', 'volumeDifferenceMl'] as const;
  const head = ['case'.padEnd(24), 'role'.padEnd(10), ...['Dice', 'IoU', 'HD95', 'ASSD', 'NSD', 'ΔVolume'].map((h) => h.padStart(10))].join(
    '',
  );
  const lines = run.cases.flatMap((c) =>
    c.labels.map((l) =>
      [
        `${c.caseId}${c.labels.length > 1 ? `:${l.name}` : ''}`.padEnd(24),
        roleWord(c.role).padEnd(10),
        ...cols.map((m) => formatMetricValue(m, l[m]).padStart(10)),
      ].join(''),
    ),
  );
  return [head, ...lines].join('\n');
}

export const evaluateCommand = defineCommand({
  name: 'evaluate',
  summary: 'evaluate a model on a workspace split: Dice, HD95, ASSD, NSD, volumes; writes an HTML report',
  usage: USAGE,
  options: {
    workspace: { type: 'string' },
    split: { type: 'string' },
    cases: { type: 'string' },
    model: { type: 'string' },
    ...DEVICE_OPTION,
    'nsd-tolerance': { type: 'string' },
    'label-source': { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run({ values }, argv) {
    if (!values.workspace) throw new LobuleError('E_INVALID_ARGUMENT', 'evaluate needs --workspace DIR', USAGE.split('\n')[0]);
    const split = values.split as EvaluationSplit | undefined;
    if (split !== undefined && !EVALUATION_SPLITS.includes(split)) {
      throw new LobuleError('E_INVALID_ARGUMENT', `unknown split "${values.split}"`, `Use one of ${EVALUATION_SPLITS.join(', ')}`);
    }
    const device = parseDevice(values.device);
    const tolerance = values['nsd-tolerance'] === undefined ? DEFAULT_NSD_TOLERANCE_MM : Number(values['nsd-tolerance']);
    if (!(tolerance >= 0))
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `--nsd-tolerance must be a distance in mm, got "${values['nsd-tolerance']}"`,
        'For example --nsd-tolerance 2',
      );
    const labelSource = values['label-source'];
    if (labelSource !== undefined && !LABEL_SOURCE_PATTERN.test(labelSource)) {
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `unknown label source "${labelSource}"`,
        'Use expert, unknown or model-generated:<tool>, e.g. model-generated:TotalSegmentator',
      );
    }
    const caseIds = values.cases
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);

    const ws = await Workspace.open(values.workspace, { readOnly: true });
    let selection: ReturnType<typeof selectEvaluationCases>;
    try {
      selection = selectEvaluationCases(ws, { split, caseIds });
    } finally {
      await ws.close();
    }
    for (const s of selection.skipped) console.error(`lobule evaluate: skipped ${s.caseId}: ${s.reason}`);
    if (selection.inputs.length === 0) {
      throw new LobuleError(
        'E_NOT_FOUND',
        `no verified case to evaluate in the ${split ?? 'val'} split`,
        'Verify the labels of some cases (lobule workspace set-status CASE verified), or choose another --split',
      );
    }
    const pkg = await resolveModel(values.model, defaultModelSearchDirs(ws.dir));
    return abortOnCtrlC(async (signal) => {
      const run = await runEvaluation(selection.inputs, pkg, {
        modelId: basename(pkg.dir),
        split: caseIds?.length && !split ? null : (split ?? 'val'),
        command: ['lobule', 'evaluate', ...argv].join(' '),
        roleOf: rolesFor(pkg, ws.dir, selection.splitOf, selection.imageSha256Of),
        labelSource: labelSource as LabelSource | undefined,
        nsdToleranceMm: tolerance,
        device,
        signal,
        log: (line) => console.error(line),
        onCase: values.json
          ? undefined
          : (c, n, total) =>
              console.error(
                `  ${n + 1}/${total} ${c.caseId}: Dice ${formatMetricValue('dice', c.labels[0]?.dice ?? null)} (${c.seconds.toFixed(1)} s)`,
              ),
      });
      const files = await writeReport(run, values.out ? { outDir: values.out } : { workspaceDir: ws.dir });
      if (values.json) console.log(JSON.stringify({ report: files, evaluation: withoutPictures(run) }));
      else {
        console.log(
          `${run.model.name} ${run.model.version} · ${run.cases.length} case(s) · role: ${roleWord(run.role)} ` +
            `· ${labelSourceWords(run.labelSource)}`,
        );
        console.log(table(run));
        console.log(`report: ${files.html}`);
      }
      return 0;
    });
  },
});

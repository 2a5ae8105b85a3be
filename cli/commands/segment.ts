/** `lobule segment`: the whole auto-segmentation pipeline on one file, its output on exactly the input's grid. */
import { LobuleError } from '../../engine/errors.js';
import { defaultModelSearchDirs, resolveModel } from '../../engine/models/package.js';
import { abortOnCtrlC, DEVICE_OPTION, defineCommand, parseDevice } from './options.js';
import { segmentFile, type SegmentProgress } from '../../engine/inference/segment.js';

const usage =
  `Usage: lobule segment IN -o OUT.nii.gz [--model NAME|DIR] [--device auto|cpu|cuda|dml|coreml] [--workspace DIR] ` +
  `[--batch N] [--json]

Auto-segments a CT (a NIfTI file or a DICOM folder). OUT has exactly the input's shape and affine.

  -o, --output PATH   label file to write (.nii.gz or .nii)
  --model NAME|DIR    model package folder, or the name of an installed model (default: the workspace's active model, else the ` +
  `bundled liver model)
  --device DEVICE     auto (default: the best available, else CPU), cpu, cuda, dml or coreml
  --workspace DIR     also look for models in DIR/models
  --batch N           windows per network call (default 1; more can help on a GPU, not on a CPU)
  --json              print timings as one JSON object on the last line

Ctrl-C cancels; a cancelled run writes nothing.`;

function progressPrinter(): (p: SegmentProgress) => void {
  let lastStage = '';
  let lastTenth = -1;
  return (p) => {
    const tenth = Math.floor(p.fraction * 10);
    if (p.stage === lastStage && tenth === lastTenth) return;
    lastStage = p.stage;
    lastTenth = tenth;
    process.stderr.write(`  ${Math.round(p.fraction * 100)}% ${p.stage}\n`);
  };
}

export const segmentCommand = defineCommand({
  name: 'segment',
  summary: 'auto-segment a CT with a model package (ONNX Runtime, CPU or GPU)',
  usage,
  options: {
    output: { type: 'string', short: 'o' },
    model: { type: 'string' },
    ...DEVICE_OPTION,
    workspace: { type: 'string' },
    batch: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
  positionals: true,
  async run({ values, positionals }) {
    const output = values.output;
    if (positionals.length !== 1 || !output) {
      throw new LobuleError('E_INVALID_ARGUMENT', 'segment needs one input and -o OUT', usage.split('\n')[0]);
    }
    const device = parseDevice(values.device);
    const batch = Number(values.batch);
    if (!Number.isInteger(batch) || batch < 1)
      throw new LobuleError(
        'E_INVALID_ARGUMENT',
        `--batch must be a positive whole number, got "${values.batch}"`,
        'For example --batch 2',
      );
    const model = await resolveModel(values.model, defaultModelSearchDirs(values.workspace));
    return abortOnCtrlC(async (signal) => {
      const result = await segmentFile(positionals[0], output, {
        model,
        device,
        batch,
        signal,
        onProgress: values.json ? undefined : progressPrinter(),
      });
      const t = result.timings;
      const round = (x: number) => Math.round(x * 1000) / 1000;
      if (values.json) {
        console.log(
          JSON.stringify({
            load_s: round(t.load_s),
            preprocess_s: round(t.preprocess_s),
            infer_s: round(t.infer_s),
            postprocess_s: round(t.postprocess_s),
            save_s: round(t.save_s),
            total_s: round(t.total_s),
            model_s: round(t.model_s),
            network_s: round(t.network_s),
            network_gflop: round(result.networkGflop),
            windows: result.windows,
            // Test-time mirroring × checkpoint ensemble: what the card's testTime options cost, per window.
            passes_per_window: result.passesPerWindow,
            provider: result.provider,
            model: `${model.card.name}@${model.card.version}`,
            output,
          }),
        );
      } else {
        console.log(`wrote ${output} (${model.card.name} ${model.card.version} on ${result.provider}, ${round(t.total_s)} s)`);
      }
      return 0;
    });
  },
});

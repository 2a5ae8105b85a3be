/**
 * Validation of the fine model of a two-stage run on what `segment` will give it: the box the COARSE model
 * finds (engine/inference/coarse.ts, the same code inference runs), not the ground-truth box training crops to.
 * Computed once per fine stage with the coarse model the package will ship, off the job's thread like validation.
 */
import type { ModelCard } from '../../models/card.js';
import { coarseRegion } from '../../inference/coarse.js';
import type { Device } from '../../onnx/session-factory.js';
import { openNetwork } from '../../onnx/open-network.js';
import { throwIfAborted } from '../../errors.js';
import { cropPatch, type CaseArrays } from '../data/patch.js';
import type { ValidationCase } from './validate.js';

function classCounts(label: Uint8Array, classes: number): number[] {
  const n = new Array<number>(classes).fill(0);
  for (let i = 0; i < label.length; i++) if (label[i] > 0 && label[i] <= classes) n[label[i] - 1]++;
  return n;
}

export async function coarseRoiCases(
  cases: readonly ValidationCase[],
  classes: number,
  coarseOnnx: Uint8Array,
  card: ModelCard,
  device: Device,
  signal?: AbortSignal,
): Promise<ValidationCase[]> {
  const coarse = card.coarse;
  if (!coarse) throw new Error('coarseRoiCases needs a two-stage card');
  const { network } = await openNetwork(coarseOnnx, device, { purpose: 'validation', offThread: true, signal });
  const out: ValidationCase[] = [];
  try {
    for (const vc of cases) {
      throwIfAborted(signal, 'training');
      const c = await vc.load();
      const roi = await coarseRegion(c.image, c.dims, card, coarse, network, signal);
      // Nothing found: segment runs the fine model on the whole volume, so validation does too.
      const cropped: CaseArrays = roi.box
        ? (() => {
            const size = [0, 1, 2].map((a) => roi.box!.max[a] - roi.box!.min[a] + 1) as [number, number, number];
            const p = cropPatch(c, roi.box!.min, size, 0);
            return { image: p.image, label: p.label, dims: p.size };
          })()
        : c;
      const inside = classCounts(cropped.label, classes);
      const outside = classCounts(c.label, classes).map((n, k) => n - inside[k]);
      out.push({ id: vc.id, load: async () => cropped, outside });
    }
  } finally {
    await network.release();
  }
  return out;
}

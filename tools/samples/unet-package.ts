/**
 * A liver model package around a given U-Net ONNX (e.g. randomly initialised weights): what the inference tests
 * and benchmarks run when the question is plumbing or speed, not quality. One card, so the test and the benchmark
 * time and check the same pipeline (the study's CT window, sigmoid output, largest island and hole filling).
 */
import { writeModelPackage } from '../../engine/models/package.js';
import { STUDY_PLAN } from '../../engine/common/train-plan/defaults.js';

type Size3 = [number, number, number];

/** Writes the package into `dir` and returns its path. */
export function writeLiverUnetPackage(
  dir: string,
  onnx: Uint8Array,
  o: { readonly name: string; readonly version: string; readonly spacing: Size3; readonly patch: Size3 },
): Promise<string> {
  return writeModelPackage(
    dir,
    {
      name: o.name,
      version: o.version,
      labels: { '1': 'liver' },
      preprocessing: {
        targetSpacing: o.spacing,
        intensity: { clip: [...STUDY_PLAN.preprocess.clip], scale: 'minmax01' },
        patchSize: o.patch,
        overlap: 0.25,
        gaussian: true,
      },
      output: { activation: 'sigmoid', threshold: 0.5 },
      postprocessing: { largestComponent: true, fillHoles: true },
    },
    onnx,
  );
}

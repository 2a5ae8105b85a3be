/**
 * The U-Net family as data: a `ModelSpec` is what a model package, a checkpoint and a training plan store, and
 * what every backend (the ONNX compiler, the TF.js oracle) builds its network from.
 */
import { LobuleError } from '../errors.js';
import { ModelSpecSchema, type ModelSpec } from '../common/train-plan/network.js';
import { STUDY_PLAN } from '../common/train-plan/defaults.js';

export { ModelSpecSchema, type ModelSpec } from '../common/train-plan/network.js';

/** The study's network (the study plan's): residual U-Net [16, 32, 64, 128, 256], one CT channel in, one sigmoid channel out. */
export function defaultModelSpec(): ModelSpec {
  return structuredClone(STUDY_PLAN.network);
}

/** Validates a spec read from JSON (object or text); errors name the offending field. */
export function parseModelSpec(json: unknown, source = 'model spec'): ModelSpec {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new LobuleError('E_INVALID_ARGUMENT', `${source} is not valid JSON (${(e as Error).message})`, 'Fix the JSON syntax');
    }
  }
  const r = ModelSpecSchema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `${source} is invalid: ${issues}`,
      'Correct the named fields (see ModelSpecSchema in engine/training/spec.ts)',
    );
  }
  return r.data;
}

/** Spatial sizes must halve cleanly at every down step. */
export function patchMultiple(spec: ModelSpec): number {
  return 2 ** (spec.channels.length - 1);
}

export function checkPatch(spec: ModelSpec, patch: readonly number[]): void {
  const m = patchMultiple(spec);
  if (patch.length !== 3 || patch.some((d) => !Number.isInteger(d) || d < m || d % m !== 0)) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `patch [${patch.join(', ')}] does not fit a ${spec.channels.length}-level U-Net`,
      `Use three sizes [nz, ny, nx], each a positive multiple of ${m}`,
    );
  }
}

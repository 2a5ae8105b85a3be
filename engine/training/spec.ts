/**
 * The U-Net family as data: a `ModelSpec` is what a model package, a checkpoint and a training plan store, and
 * what every backend (the ONNX compiler, the TF.js oracle) builds its network from.
 */
import { z } from 'zod';
import { LobuleError } from '../errors.js';

export const ModelSpecSchema = z
  .object({
    /** Feature channels per resolution level, finest first; the net has `channels.length` levels. */
    channels: z.array(z.number().int().min(1).max(4096)).min(1).max(8),
    /** `plain`: two conv-IN-act; `residual`: conv-IN-act + conv-IN, plus a 1×1 conv-IN shortcut, add, act. */
    block: z.enum(['plain', 'residual']),
    norm: z.literal('instance'),
    activation: z.enum(['relu', 'leakyrelu']),
    /** Dropout probability after the first activation of each block (0 = none). */
    dropout: z.number().min(0).max(0.9),
    /** `maxpool`: 2×2×2 max-pool; `strided`: 2×2×2 conv with stride 2. */
    down: z.enum(['maxpool', 'strided']),
    /** `transposed`: 2×2×2 transposed conv, stride 2; `upsample`: 1×1 conv then nearest ×2. */
    up: z.enum(['transposed', 'upsample']),
    inChannels: z.number().int().min(1).max(16),
    outClasses: z.number().int().min(1).max(64),
    outputActivation: z.enum(['sigmoid', 'softmax']),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.outputActivation === 'softmax' && s.outClasses < 2) {
      ctx.addIssue({ code: 'custom', path: ['outClasses'], message: 'softmax needs outClasses >= 2 (background + at least one class)' });
    }
  });

export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** The study's network: residual U-Net [16, 32, 64, 128, 256], one CT channel in, one sigmoid liver channel out. */
export function defaultModelSpec(): ModelSpec {
  return {
    channels: [16, 32, 64, 128, 256],
    block: 'residual',
    norm: 'instance',
    activation: 'relu',
    dropout: 0,
    down: 'maxpool',
    up: 'transposed',
    inChannels: 1,
    outClasses: 1,
    outputActivation: 'sigmoid',
  };
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
    throw new LobuleError('E_INVALID_ARGUMENT', `${source} is invalid: ${issues}`, 'Correct the named fields (see ModelSpecSchema in engine/training/spec.ts)');
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
    throw new LobuleError('E_INVALID_ARGUMENT', `patch [${patch.join(', ')}] does not fit a ${spec.channels.length}-level U-Net`, `Use three sizes [nz, ny, nx], each a positive multiple of ${m}`);
  }
}

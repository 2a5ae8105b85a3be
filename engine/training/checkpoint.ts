/**
 * Checkpoint file: spec, step options, step count, weights and optimizer state, in one safetensors file
 * (tensor-file.ts; older LOBTENS1 checkpoints still load), written atomically so a crash never leaves half a file.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import type { TrainingStepOptions } from './compile.js';
import { OptimizerConfigSchema } from './optimizers.js';
import { parseModelSpec, type ModelSpec } from './spec.js';
import { checkWeights, type WeightSet } from './weights.js';
import { decodeTensorFile, encodeTensorFile } from './tensor-file.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface Checkpoint {
  spec: ModelSpec;
  options: TrainingStepOptions;
  step: number;
  weights: WeightSet;
  state: WeightSet;
}

const MetaSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.literal('lobule-checkpoint'),
  spec: z.unknown(),
  options: z.object({
    loss: z.enum(['dice', 'dice_ce']),
    optimizer: OptimizerConfigSchema,
    patch: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    batch: z.number().int().min(1),
    dropoutSeed: z.number().int().optional(),
    diceOverBatch: z.boolean().optional(),
  }),
  step: z.number().int().min(0),
  stateNames: z.array(z.string()),
});

export async function writeCheckpoint(path: string, ck: Checkpoint): Promise<void> {
  const all: WeightSet = new Map([...ck.weights, ...ck.state]);
  const { exposeGradients: _drop, ...options } = ck.options;
  const meta = {
    schemaVersion: 1,
    kind: 'lobule-checkpoint',
    spec: ck.spec,
    options: { ...options, optimizer: OptimizerConfigSchema.parse(options.optimizer) },
    step: ck.step,
    stateNames: [...ck.state.keys()],
  };
  await writeFileAtomic(path, encodeTensorFile(all, meta));
}

export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new LobuleError('E_NOT_FOUND', `cannot read checkpoint ${path} (${(e as Error).message})`, 'Check the path', { cause: e });
  }
  const { tensors, meta } = decodeTensorFile(bytes, path);
  const m = MetaSchema.safeParse(meta);
  if (!m.success)
    throw new LobuleError(
      'E_CORRUPT',
      `${path} is not a Lobule checkpoint (${m.error.issues[0]?.path.join('.')}: ${m.error.issues[0]?.message})`,
      'Choose a checkpoint saved by Lobule training',
    );
  const spec = parseModelSpec(m.data.spec, `model spec in ${path}`);
  const stateNames = new Set(m.data.stateNames);
  const weights: WeightSet = new Map([...tensors].filter(([k]) => !stateNames.has(k)));
  const state: WeightSet = new Map([...tensors].filter(([k]) => stateNames.has(k)));
  checkWeights(spec, weights, `weights in ${path}`);
  return { spec, options: m.data.options, step: m.data.step, weights, state };
}

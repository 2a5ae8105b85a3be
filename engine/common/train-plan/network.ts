/**
 * The U-Net family as data (`ModelSpec`): part of every training plan, stored in each model's ONNX, and what every
 * backend (the ONNX compiler, the TF.js oracle) builds its network from. Pure zod so the renderer can show a plan.
 */
import { z } from 'zod';

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

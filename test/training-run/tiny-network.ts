/**
 * The study's network at 4 and 8 channels: it trains in seconds on the real CT, for tests of the training loop
 * and its guards, not of model quality. Derived from STUDY_PLAN so that the tests follow the study's recipe.
 */
import { writeFile } from 'node:fs/promises';
import { STUDY_PLAN } from '../../engine/common/train-plan/defaults.js';
import type { ModelSpec } from '../../engine/common/train-plan/network.js';

export const TINY_NETWORK: ModelSpec = { ...STUDY_PLAN.network, channels: [4, 8] };

/** Writes TINY_NETWORK with plain (non-residual) blocks as a `--spec` file for `lobule train`; returns `path`. */
export async function writeTinyPlainSpec(path: string): Promise<string> {
  await writeFile(path, JSON.stringify({ ...TINY_NETWORK, block: 'plain' } satisfies ModelSpec));
  return path;
}

/**
 * Geometry and augmentation types the data pipeline shares. The run configuration that used to live here is the
 * training plan now (engine/common/train-plan); this module stays because augment.ts and preprocess.ts import
 * `Size3` and `AugmentConfig` from it while they move to engine/common.
 */
export type { AugmentConfig } from '../../common/train-plan/schema.js';

export type Size3 = readonly [number, number, number];

/** A patch or resize size as (x, y, z). */
export function size3(s: number | readonly [number, number, number]): Size3 {
  return typeof s === 'number' ? [s, s, s] : [s[0], s[1], s[2]];
}

/** Paths into the shared real-data corpus (../shared/data beside the checkout; see its PROVENANCE.md). */
import { readFileSync } from 'node:fs';
import { SHARED_DATA, sharedData } from '../../tools/samples/shared-data.js';

export { SHARED_DATA, sharedData };

export interface NibabelFileFacts {
  format: string;
  shape: number[];
  disk_dtype: string;
  qform_code: number;
  sform_code: number;
  affine: number[][];
  axcodes: string;
  zooms: number[];
  scl_slope: number | null;
  scl_inter: number | null;
  scaled: { sum: number; min: number; max: number; mean: number; sumsq: number; probes: [number, number][] };
  unscaled: { sum: number; min: number; max: number; mean: number; sumsq: number; probes: [number, number][] };
  counts?: Record<string, number>;
  [key: string]: unknown;
}

export function nibabelFacts(): { files: Record<string, NibabelFileFacts> } {
  return JSON.parse(readFileSync(sharedData('reference/nibabel_facts.json'), 'utf8'));
}

/** The model card's post-processing (keep largest component, fill holes) as run by inference, inside the label box. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postprocessLabels } from '../../engine/inference/postprocess.js';
import { nonZeroBox } from '../../engine/common/box.js';
import type { Dims3 } from '../../engine/common/volume.js';
import { referenceFill, referenceLargest } from '../common/reference-cc.js';
import { mulberry32 } from '../../engine/common/rng.js';

test('postprocessing within the label box gives the same result as on the whole volume', () => {
  const dims: Dims3 = [40, 30, 20];
  const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const rnd = mulberry32(9);
  // a noisy blob in the middle: small stray bits, a big body, holes inside
  for (let z = 5; z < 15; z++)
    for (let y = 6; y < 24; y++) for (let x = 8; x < 30; x++) if (rnd() < 0.75) labels[x + 40 * (y + 30 * z)] = 1;
  const whole = referenceFill(referenceLargest(labels, dims, 1), dims, 1);
  postprocessLabels({ data: labels, dims, affine: new Float64Array(16) }, [1], { largestComponent: true, fillHoles: true });
  assert.deepEqual(labels, whole);
  assert.deepEqual(nonZeroBox(labels, dims)?.min.length, 3);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelGrid } from '../../engine/inference/preprocess.js';
import { labelsOnInputGrid, labelsOnModelGrid } from '../../engine/inference/to-input-grid.js';
import { decodeInto, decoderFor } from '../../engine/inference/decode.js';
import { resampleImageToGrid } from '../../engine/common/resample.js';
import { reorient } from '../../engine/common/orientation.js';
import { mulberry32 } from '../../engine/common/rng.js';
import type { Dims3 } from '../../engine/common/volume.js';

/** Smooth random probability maps (sums of a few sines), so decoded regions are blobs, not noise. */
function smoothMaps(dims: Dims3, channels: number, seed: number): Float32Array[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: channels }, () => {
    const f = [0, 1, 2].map(() => 0.2 + rnd() * 0.5);
    const ph = [0, 1, 2].map(() => rnd() * 6);
    const out = new Float32Array(dims[0] * dims[1] * dims[2]);
    let o = 0;
    for (let k = 0; k < dims[2]; k++)
      for (let j = 0; j < dims[1]; j++)
        for (let i = 0; i < dims[0]; i++, o++) {
          out[o] = 0.5 + 0.25 * (Math.sin(f[0] * i + ph[0]) + Math.sin(f[1] * j + ph[1]) * Math.sin(f[2] * k + ph[2]));
        }
    return out;
  });
}

test('labels on the input grid equal full-volume trilinear resampling then decoding, for permuted, flipped and rescaled grids', () => {
  const base = { dims: [37, 29, 23] as Dims3, affine: Float64Array.from([1.3, 0, 0, -20, 0, 1.1, 0, 5, 0, 0, 2.5, 40, 0, 0, 0, 1]) };
  for (const codes of ['RAS', 'LPS', 'ASR', 'IRP']) {
    const image = reorient({ ...base, data: new Int16Array(37 * 29 * 23) }, codes);
    const grid = modelGrid(image, 'RAS', [2, 1.7, 3.1]);
    for (const [activation, channels, values] of [
      ['sigmoid', 1, [1]],
      ['sigmoid', 2, [1, 2]],
      ['softmax', 3, [1, 4]],
    ] as const) {
      const maps = { channels: smoothMaps(grid.dims, channels, codes.charCodeAt(0) + channels), dims: grid.dims, affine: grid.affine };
      const decoder = decoderFor(activation, channels, 0.55, values);
      const got = labelsOnInputGrid(maps, labelsOnModelGrid(maps, decoder), decoder, image).labels.data;
      const resampled = maps.channels.map(
        (ch) => resampleImageToGrid({ data: ch, dims: maps.dims, affine: maps.affine }, image.dims, image.affine).data,
      );
      const expected = new Uint8Array(got.length);
      decodeInto(resampled, decoder, expected);
      const used = new Set(expected);
      assert.ok(used.size >= 2, `${codes} ${activation}×${channels}: several labels present`);
      assert.deepEqual(got, expected, `${codes} ${activation}×${channels}`);
    }
  }
});

test('a model whose channel count does not fit its card is named with what the card needs', () => {
  assert.throws(
    () => decoderFor('sigmoid', 2, 0.5, [1]),
    /returns 2 channel\(s\) but its card names 1 label\(s\).*one output channel per label \(1\)/,
  );
  assert.throws(() => decoderFor('softmax', 1, 0.5, [1]), /background plus one channel per label \(2\)/);
  assert.equal(decoderFor('none', 2, 0.5, [1]).rule, 'argmax');
  assert.equal(decoderFor('none', 1, 0.5, [1]).rule, 'threshold');
});

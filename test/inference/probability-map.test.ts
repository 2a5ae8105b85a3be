/**
 * The stored probability maps are the labels' own probabilities: thresholded at the card's threshold they give the
 * labels of the same decode, voxel for voxel, except where the quantisation to 1/255 cannot tell (p within one
 * step of the threshold); and the box they cover holds every labelled voxel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelGrid } from '../../engine/inference/preprocess.js';
import { labelsOnInputGrid, labelsOnModelGrid } from '../../engine/inference/to-input-grid.js';
import { decoderFor } from '../../engine/inference/decode.js';
import { PROBABILITY_SCALE, probabilitiesOnInputGrid } from '../../engine/inference/probability-map.js';
import { reorient } from '../../engine/common/orientation.js';
import type { Dims3 } from '../../engine/common/volume.js';

/** One blob of probability around a centre on the model grid (falls to ~0 far away, so the box is smaller than the grid). */
function blob(dims: Dims3, centre: readonly number[], radius: number): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  let o = 0;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, o++) {
        const r = Math.hypot(i - centre[0], j - centre[1], k - centre[2]);
        out[o] = 1 / (1 + Math.exp(4 * (r - radius)));
      }
  return out;
}

test('maps thresholded at the card threshold give the decoded labels, for sigmoid and softmax models on reoriented grids', () => {
  const base = { dims: [41, 33, 27] as Dims3, affine: Float64Array.from([1.3, 0, 0, -20, 0, 1.1, 0, 5, 0, 0, 2.5, 40, 0, 0, 0, 1]) };
  for (const codes of ['RAS', 'LPS', 'ASR']) {
    const image = reorient({ ...base, data: new Int16Array(41 * 33 * 27) }, codes);
    const grid = modelGrid(image, 'RAS', [2, 1.7, 3.1]);
    const centre = grid.dims.map((d) => d / 2);
    const fg = blob(grid.dims, centre, 5);
    for (const activation of ['sigmoid', 'softmax'] as const) {
      const channels = activation === 'sigmoid' ? [fg] : [fg.map((p) => 1 - p), fg];
      const maps = { channels, dims: grid.dims, affine: grid.affine };
      const decoder = decoderFor(activation, channels.length, activation === 'sigmoid' ? 0.3 : 0.5, [1]);
      const labels = labelsOnInputGrid(maps, labelsOnModelGrid(maps, decoder), decoder, image).labels.data;
      const stored = probabilitiesOnInputGrid(maps, decoder, image);
      assert.ok(stored, 'a blob gives maps');
      assert.deepEqual(stored.values, [1]);
      const { box, data } = stored;
      const [bx, by] = [0, 1].map((a) => box.max[a] - box.min[a] + 1);
      const [nx, ny, nz] = image.dims;
      const cut = decoder.threshold * PROBABILITY_SCALE;
      let labelled = 0;
      let unsure = 0;
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            const inBox = [i, j, k].every((v, a) => v >= box.min[a] && v <= box.max[a]);
            const q = inBox ? data[i - box.min[0] + bx * (j - box.min[1] + by * (k - box.min[2]))] : 0;
            const label = labels[i + nx * (j + ny * k)];
            labelled += label === 1 ? 1 : 0;
            if (label === 1) assert.ok(inBox, `${codes} ${activation}: labelled voxel ${i},${j},${k} outside the box`);
            if (Math.abs(q - cut) <= 1) {
              unsure++;
              continue;
            }
            assert.equal(q > cut ? 1 : 0, label, `${codes} ${activation}: voxel ${i},${j},${k} (q ${q})`);
          }
      assert.ok(labelled > 500, `${codes} ${activation}: ${labelled} labelled voxels`);
      assert.ok(unsure < labelled / 20, `${codes} ${activation}: ${unsure} voxels at the threshold`);
      assert.ok(data.length < (nx * ny * nz) / 2, `${codes} ${activation}: the box (${data.length}) is smaller than the grid`);
    }
  }
});

test('a model that finds nothing leaves no maps', () => {
  const image = { dims: [20, 20, 10] as Dims3, affine: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]) };
  const grid = modelGrid(image, 'RAS', [2, 2, 2]);
  const zero = new Float32Array(grid.dims[0] * grid.dims[1] * grid.dims[2]);
  assert.equal(
    probabilitiesOnInputGrid({ channels: [zero], dims: grid.dims, affine: grid.affine }, decoderFor('sigmoid', 1, 0.5, [1]), image),
    null,
  );
});

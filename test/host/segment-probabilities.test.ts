/**
 * Auto-segment keeps its probabilities for the Segment editor's local AI correction: the bundled liver model on
 * the real TotalSegmentator CT (122×101×30, 3 mm) through the serve binding, read back through the contract
 * (labels.probabilities + the binary labels.probabilityBytes). Thresholded at the card's threshold they give the
 * proposal (which only adds the card's largest-component clean-up); they survive Accept and a case without
 * maps answers null.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sharedData } from '../helpers/data.js';
import { finished, serveBinding, type Binding } from './fixtures.js';

describe('auto-segment probabilities through the contract', () => {
  let b: Binding;
  let caseId: string;

  before(async () => {
    b = await serveBinding();
    caseId = (await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_sm.nii.gz')] })).imported[0];
  });
  after(async () => {
    await b.close();
  });

  it('stores the run’s maps beside the proposal; at the card threshold they give the proposal; Accept keeps them', async () => {
    assert.equal(await b.api.labels.probabilities({ caseId }), null, 'no maps before any auto-segment');
    const job = await b.api.jobs.segment({ caseId, modelId: 'liver', device: 'cpu' });
    const end = await finished(b.api, job.id);
    assert.equal(end.state, 'succeeded', JSON.stringify(end.error));
    const info = await b.api.labels.probabilities({ caseId });
    assert.ok(info, 'maps stored');
    assert.deepEqual(info.values, [1]);
    assert.equal(info.threshold, 0.3, 'the card threshold');
    assert.match(info.source, /^model:liver@/);
    assert.deepEqual(info.dims, [122, 101, 30]);
    const bytes = new Uint8Array(await b.api.labels.probabilityBytes({ caseId }));
    const [bx, by, bz] = [0, 1, 2].map((a) => info.box.max[a] - info.box.min[a] + 1);
    assert.equal(bytes.length, bx * by * bz);
    const proposal = new Uint8Array(await b.api.labels.proposalBytes({ caseId }));
    const [nx, ny] = info.dims;
    const cut = info.threshold * info.scale;
    let both = 0;
    let onlyProposal = 0;
    let onlyMaps = 0;
    for (let k = 0; k < bz; k++)
      for (let j = 0; j < by; j++)
        for (let i = 0; i < bx; i++) {
          const inMaps = bytes[i + bx * (j + by * k)] > cut;
          const inProposal = proposal[i + info.box.min[0] + nx * (j + info.box.min[1] + ny * (k + info.box.min[2]))] === 1;
          if (inMaps && inProposal) both++;
          else if (inProposal) onlyProposal++;
          else if (inMaps) onlyMaps++;
        }
    let total = 0;
    for (const v of proposal) total += v === 1 ? 1 : 0;
    assert.equal(both + onlyProposal, total, 'every proposal voxel lies in the box');
    assert.ok(total > 10_000, `the model found the liver (${total} voxels)`);
    // Quantisation can flip a voxel at the threshold; the largest-component clean-up removes small islands.
    assert.ok(onlyProposal <= total * 0.002, `${onlyProposal} proposal voxels below the threshold`);
    const dice = (2 * both) / (2 * both + onlyProposal + onlyMaps);
    assert.ok(dice > 0.98, `Dice maps vs proposal ${dice.toFixed(4)}`);

    await b.api.labels.acceptProposal({ caseId });
    assert.deepEqual(await b.api.labels.probabilities({ caseId }), info, 'the maps outlive Accept');
  });
});

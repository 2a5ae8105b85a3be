/**
 * Issue 17: each dataset row names the labels present in the case's latest version (host: CaseSummary.labelValues
 * from the recorded voxel counts; renderer: names from the workspace's label list, "N labels" past two).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { caseLabelsText } from '../../renderer/src/panels/caseLabels.js';
import { sharedData } from '../helpers/data.js';
import { serveBinding, type Binding } from '../host/fixtures.js';

describe('dataset rows name the labels of each case', () => {
  let b: Binding;
  before(async () => {
    b = await serveBinding();
    await b.api.workspace.importPaths({ paths: [sharedData('totalsegmentator/example_ct_sm.nii.gz')] });
  });
  after(() => b.close());

  it('says "no labels", then the names present in the latest version, then a count past two names', async () => {
    const [c] = await b.api.workspace.cases();
    const names = await b.api.workspace.labels();
    assert.deepEqual(caseLabelsText(c, names).text, 'no labels');
    const [nx, ny, nz] = c.dims ?? [0, 0, 0];
    const data = new Uint8Array(nx * ny * nz);
    data[0] = 1;
    data[1] = 2;
    const v1 = await b.api.labels.save({ caseId: c.id, parent: null, data });
    let row = (await b.api.workspace.cases())[0];
    assert.deepEqual(row.labelValues, [1, 2]);
    const text = caseLabelsText(row, names);
    assert.equal(text.text, 'liver, label 2');
    assert.match(text.title, /liver, label 2 \(1 version, latest v1\)/);
    data[2] = 7;
    data[1] = 0;
    await b.api.labels.save({ caseId: c.id, parent: v1.id, data });
    row = (await b.api.workspace.cases())[0];
    assert.deepEqual(row.labelValues, [1, 7]);
    data[3] = 3;
    await b.api.labels.save({ caseId: c.id, parent: row.latestLabelVersion, data });
    row = (await b.api.workspace.cases())[0];
    assert.equal(caseLabelsText(row, names).text, '3 labels');
    assert.equal(caseLabelsText(row, names).title, 'liver, label 3, label 7 (3 versions, latest v3)');
  });
});

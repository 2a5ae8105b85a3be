import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nibabelFacts, sharedData } from '../helpers/data.js';
import { readNifti, readNiftiHeader } from '../../engine/io/nifti.js';
import { orientationCodes } from '../../engine/common/orientation.js';
import type { Volume } from '../../engine/common/volume.js';
import { assertMatchesFacts } from './facts.js';

const facts = nibabelFacts().files;
const niftiFiles = Object.keys(facts).filter((f) => /\.nii(\.gz)?$/.test(f));

test('the corpus has NIfTI reference facts to check against', () => {
  assert.ok(niftiFiles.length >= 16, `only ${niftiFiles.length} NIfTI files in nibabel_facts.json`);
});

for (const file of niftiFiles) {
  test(`readNifti matches nibabel on ${file}: shape, affine, scaled values, probes, counts, axcodes`, async () => {
    const f = facts[file];
    const path = sharedData(file);
    const header = await readNiftiHeader(path);
    assert.deepEqual(header.shape, f.shape);
    assert.equal(header.format, f.format);
    const volumes: Volume[] = [];
    for (let t = 0; t < header.volumes; t++) volumes.push(await readNifti(path, header.volumes > 1 ? { volumeIndex: t } : {}));
    assertMatchesFacts(volumes, f, file);
    assert.equal(orientationCodes(volumes[0].affine), f.axcodes);
  });
}

test('on-disk integer types are kept when unscaled and scaled data becomes float32', async () => {
  assert.ok((await readNifti(sharedData('totalsegmentator/example_ct_sm.nii.gz'))).data instanceof Int16Array);
  assert.ok((await readNifti(sharedData('totalsegmentator/example_ct.nii.gz'))).data instanceof Int32Array);
  assert.ok((await readNifti(sharedData('totalsegmentator/example_seg.nii.gz'))).data instanceof Uint8Array);
  assert.ok((await readNifti(sharedData('edge_cases/nifti/nibabel/anatomical.nii'))).data instanceof Int16Array);
  assert.ok((await readNifti(sharedData('edge_cases/nifti/nibabel/functional.nii'), { volumeIndex: 0 })).data instanceof Float32Array);
});

test('a 4-D file with several volumes needs volumeIndex and says how to choose', async () => {
  await assert.rejects(readNifti(sharedData('edge_cases/nifti/nibabel/example4d.nii.gz')), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_INVALID_ARGUMENT');
    assert.match(e.message, /example4d\.nii\.gz' holds 2 volumes.*--volume N \(0 to 1\)/);
    return true;
  });
  await assert.rejects(readNifti(sharedData('edge_cases/nifti/nibabel/example4d.nii.gz'), { volumeIndex: 2 }), /volume 2 does not exist/);
});

test('big- and little-endian twins decode to the same voxels', async () => {
  const big = await readNifti(sharedData('edge_cases/nifti/nifti-reader-js/big.nii.gz'));
  const little = await readNifti(sharedData('edge_cases/nifti/nifti-reader-js/little.nii.gz'));
  assert.deepEqual(big.data, little.data);
});

/** Reorientation by axis permutation/flip, checked against nibabel on real files with oblique and flipped affines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedData } from '../helpers/data.js';
import { readNifti } from '../../engine/io/nifti.js';
import { orientationCodes, reorient } from '../../engine/common/orientation.js';
import { affinesEqual } from '../../engine/common/affine.js';

// Expected values computed with nibabel 5.0.0: as_closest_canonical(img) (first volume of 4-D files); `weighted`
// is sum(data.flatten(order='F') * (arange(n) % 977)), which changes with any voxel moved.
const NIBABEL: [string, number[], number[], number][] = [
  [
    'edge_cases/nifti/nibabel/example4d.nii.gz',
    [128, 96, 24],
    [2, 0, 0, -136.1449, 0, 1.9737, -0.3555, -35.7229, 0, 0.3232, 2.1711, -7.2488, 0, 0, 0, 1],
    24905977293,
  ],
  [
    'totalsegmentator/aorta_report/ct_cropped.nii.gz',
    [120, 126, 164],
    [1.5, 0, 0, -106.8418, 0, 1.5, 0, 68.1582, 0, 0, 1.5, 540.2, 0, 0, 0, 1],
    -242822505538,
  ],
  [
    'edge_cases/nifti/nifti-reader-js/with_extension.nii.gz',
    [161, 191, 151],
    [1, 0, 0, -80, 0, 1, 0, -110, 0, 0, 1, -65, 0, 0, 0, 1],
    718730031,
  ],
];

for (const [file, dims, affine, weighted] of NIBABEL) {
  test(`reorient to RAS equals nibabel as_closest_canonical on ${file} (LAS oblique / LPS / LPI)`, async () => {
    const vol = await readNifti(sharedData(file), { volumeIndex: 0 });
    const can = reorient(vol, 'RAS');
    assert.deepEqual([...can.dims], dims);
    assert.ok(affinesEqual(can.affine, affine, 1e-4), JSON.stringify([...can.affine]));
    assert.equal(orientationCodes(can.affine), 'RAS');
    let w = 0;
    for (let p = 0; p < can.data.length; p++) w += can.data[p] * (p % 977);
    assert.equal(w, weighted);
  });
}

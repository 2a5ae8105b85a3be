// Cross-check of the NIfTI writer with nibabel itself, where a Python with nibabel exists (Debian:
// apt-get install python3-nibabel). Skipped, with the reason, elsewhere.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { makeVolume, type VoxelArray } from '../../engine/common/volume.js';
import { affinesEqual } from '../../engine/common/affine.js';

const PY = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import nibabel'], { encoding: 'utf8' }).status === 0);
const tmp = mkdtempSync(join(tmpdir(), 'lobule-nibabel-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SCRIPT = `
import sys, json, nibabel as nib, numpy as np
img = nib.load(sys.argv[1])
a = np.asanyarray(img.dataobj)
h = img.header
print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "sum": float(a.astype(np.float64).sum()),
  "first": float(a.flat[0]), "at": float(a[1, 2, 0]), "affine": img.affine.flatten().tolist(),
  "qform": h.get_qform().flatten().tolist(), "codes": [int(h["qform_code"]), int(h["sform_code"])]}))
`;

const c = Math.cos(0.4),
  s = Math.sin(0.4);
const cases: [string, VoxelArray, number[]][] = [
  [
    'int16-oblique',
    Int16Array.from({ length: 5 * 4 * 3 }, (_, i) => i * 37 - 1000),
    [-0.7, 0, 0, 10, 0, 0.7 * c, -3 * s, 20, 0, 0.7 * s, 3 * c, -30, 0, 0, 0, 1],
  ],
  ['uint8-las', Uint8Array.from({ length: 60 }, (_, i) => i % 7), [-1, 0, 0, 5, 0, 1, 0, -5, 0, 0, 2, 7, 0, 0, 0, 1]],
  ['float32-permuted', Float32Array.from({ length: 60 }, (_, i) => Math.sqrt(i)), [0, 0, 1.5, 1, -2, 0, 0, 2, 0, 2.5, 0, 3, 0, 0, 0, 1]],
];

for (const [name, data, affine] of cases) {
  test(`nibabel reads what writeNifti wrote (${name}): same dtype, array, affine, and a qform equal to it`, {
    skip: PY ? false : 'no python3 with nibabel here',
  }, async () => {
    const path = join(tmp, `${name}.nii.gz`);
    const vol = makeVolume(data, [5, 4, 3], affine);
    await writeNifti(path, vol);
    const r = spawnSync(PY as string, ['-c', SCRIPT, path], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.equal(got.dtype, name.split('-')[0]);
    assert.deepEqual(got.shape, [5, 4, 3]);
    let sum = 0;
    for (const v of data) sum += v;
    assert.ok(Math.abs(got.sum - sum) < 1e-3 * Math.max(1, Math.abs(sum)));
    assert.equal(got.first, data[0]);
    assert.ok(Math.abs(got.at - data[1 + 5 * 2]) < 1e-6);
    assert.ok(affinesEqual(got.affine, affine, 1e-5), JSON.stringify(got.affine));
    assert.ok(affinesEqual(got.qform, affine, 1e-4), JSON.stringify(got.qform));
    assert.deepEqual(got.codes, [1, 2]);
  });
}

/** validateVolume: the one check every reader runs before returning a volume (engine/io/validate.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateVolume } from '../../engine/io/validate.js';
import { LobuleError } from '../../engine/errors.js';
import { DEFAULT_MAX_VOLUME_BYTES, maxVolumeBytes, MAX_VOLUME_BYTES_ENV } from '../../engine/io/limits.js';
import type { Volume } from '../../engine/common/volume.js';

const eye = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const vol = (dims: number[], affine = eye, n = dims[0] * dims[1] * dims[2]): Volume => ({
  data: new Int16Array(Math.max(0, n)),
  dims: dims as unknown as Volume['dims'],
  affine: Float64Array.from(affine),
});

function refused(v: Volume, message: RegExp): void {
  assert.throws(
    () => validateVolume(v, { file: '/x/bad.nii', what: 'NIfTI file' }),
    (e: unknown) => {
      assert.ok(e instanceof LobuleError, String(e));
      assert.match(e.message, /'\/x\/bad\.nii'/);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('a sound volume passes validation unchanged', () => {
  const v = vol([4, 3, 2], [0.7, 0, 0, 5, 0, 0.7, 0, 1, 0, 0, 2.5, -3, 0, 0, 0, 1]);
  assert.equal(validateVolume(v, { file: 'ok.nii' }), v);
});

test('zero, fractional and oversized dims are refused naming the dims', () => {
  refused(vol([0, 0, 1]), /dims is \[0, 0, 1\], axis 0 must be a whole number ≥ 1/);
  refused(vol([2.5, 2, 1], eye, 5), /dims is \[2\.5, 2, 1\]/);
  refused(vol([70000, 1, 1]), /larger than Lobule's maximum of 65535/);
});

test('NaN spacing, a zero voxel size and parallel axes are refused naming the field', () => {
  refused(vol([2, 2, 2], [NaN, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), /voxel-to-world affine .* entry 0 is not a finite number/);
  refused(vol([2, 2, 2], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), /voxel spacing is \[1, 1, 0\]/);
  refused(vol([2, 2, 2], [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), /singular/);
  refused(vol([2, 2, 2], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1]), /last row/);
});

test('a data length different from the declared dims is refused', () => {
  refused(vol([4, 4, 4], eye, 60), /voxel count is 60, but dims \[4, 4, 4\] declare 64/);
});

test('a declared size over the limit names the limit and the variable that raises it', () => {
  const saved = process.env[MAX_VOLUME_BYTES_ENV];
  try {
    delete process.env[MAX_VOLUME_BYTES_ENV];
    assert.equal(maxVolumeBytes(), DEFAULT_MAX_VOLUME_BYTES);
    process.env[MAX_VOLUME_BYTES_ENV] = '1K';
    assert.equal(maxVolumeBytes(), 1024);
    assert.throws(
      () => validateVolume(vol([16, 16, 16]), { file: 'big.nii' }),
      /declares 8 KiB .* over Lobule's limit of 1 KiB .*LOBULE_MAX_VOLUME_BYTES/,
    );
  } finally {
    if (saved === undefined) delete process.env[MAX_VOLUME_BYTES_ENV];
    else process.env[MAX_VOLUME_BYTES_ENV] = saved;
  }
});

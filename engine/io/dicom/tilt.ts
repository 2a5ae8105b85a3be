/**
 * Gantry-tilt correction as dcm2niix does it: each slice is shifted in its own plane (bilinear) so the stack lies
 * on an orthogonal grid. A sheared affine is exact but cannot be stored as a NIfTI qform, and ITK-based readers
 * (SimpleITK, nnU-Net, Slicer) use the qform, so they would place the volume up to centimetres off.
 */
import type { VoxelArray } from '../../common/volume.js';
import type { TiltShift } from './geometry.js';

/**
 * Resamples `data` (nx×ny×nz, dcm2niix layout: j = flipped DICOM row) so slice k moves by −shift[k] in-plane;
 * voxels that come from outside the slice take `fill` (the series' lowest value, i.e. air or padding).
 */
export function untilt<T extends VoxelArray>(data: T, nx: number, ny: number, nz: number, shifts: readonly TiltShift[], fill: number): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const integral = !(data instanceof Float32Array || data instanceof Float64Array);
  for (let k = 0; k < nz; k++) {
    const base = nx * ny * k;
    // output (i, j) samples input (i − dc, j + dr): a DICOM row index r = ny−1−j grows as j shrinks
    const si = -shifts[k].dc,
      sj = shifts[k].dr;
    const i0 = Math.floor(si),
      j0 = Math.floor(sj);
    const fi = si - i0,
      fj = sj - j0;
    for (let j = 0; j < ny; j++) {
      const ja = j + j0,
        jb = ja + 1;
      for (let i = 0; i < nx; i++) {
        const ia = i + i0,
          ib = ia + 1;
        const at = (x: number, y: number) => (x >= 0 && x < nx && y >= 0 && y < ny ? data[base + x + nx * y] : fill);
        const v = (1 - fj) * ((1 - fi) * at(ia, ja) + fi * at(ib, ja)) + fj * ((1 - fi) * at(ia, jb) + fi * at(ib, jb));
        out[base + i + nx * j] = integral ? Math.round(v) : v;
      }
    }
  }
  return out;
}

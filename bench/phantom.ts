/**
 * The 512×512×300 CT-like phantom the segmentation benchmarks time (the size the issues state their CPU budgets for):
 * air, a body ellipse of fat and muscle, a liver-like ellipsoid, a spine and fixed noise, int16 HU, LPS-like affine.
 */
import { mulberry32 } from '../engine/common/rng.js';
import { makeVolume } from '../engine/common/volume.js';

export function phantom(): ReturnType<typeof makeVolume<Int16Array>> {
  const [nx, ny, nz] = [512, 512, 300];
  const data = new Int16Array(nx * ny * nz);
  const rnd = mulberry32(5);
  const noise = Int16Array.from({ length: 4096 }, () => Math.round((rnd() - 0.5) * 40));
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const bx = (i - 256) / 220,
          by = (j - 256) / 160;
        let hu = -1000;
        if (bx * bx + by * by < 1) {
          hu = bx * bx + by * by > 0.8 ? -90 : 40;
          const lx = (i - 180) / 90,
            ly = (j - 230) / 70,
            lz = (k - 170) / 90;
          if (lx * lx + ly * ly + lz * lz < 1) hu = 60;
          const sx = (i - 256) / 22,
            sy = (j - 350) / 22;
          if (sx * sx + sy * sy < 1) hu = 700;
        }
        data[row + i] = hu + noise[(i * 31 + j * 17 + k * 7) & 4095];
      }
    }
  const affine = [-0.8, 0, 0, 204.4, 0, -0.8, 0, 204.4, 0, 0, 1, -300, 0, 0, 0, 1];
  return makeVolume(data, [nx, ny, nz], affine);
}

/**
 * Synthetic liver lesions: hypo- and hyper-dense blobs pasted inside the liver and labelled as liver, so a
 * model trained on a tumour-free patient still segments livers with tumours as one organ (the MSD/LiTS
 * convention of the study: tumour merged into liver). The bundled v1 model missed large parts of tumorous
 * livers on other hospitals' CT; real tumour examples do not exist in the shared data, so they are made.
 *
 * Shape: an ellipsoid with random radii and orientation whose surface is perturbed by low-order harmonics
 * (lobulated, not a perfect sphere). Texture: the lesion's mean offset plus fine noise. Edge: a smooth
 * one-voxel blend, as partial-volume edges look. Only voxels inside the liver label change (a lesion that would
 * bulge out is clipped to the organ, so the label stays exactly the liver).
 *
 * Works on a patch whose image is scaled to [0, 1] (the study's window: 0.1 ≈ 60 HU).
 */
import type { Rng } from '../../common/rng.js';
import type { LesionConfig } from '../../common/train-plan/schema.js';
import type { Size3 } from './config.js';

export interface LesionDraw {
  readonly center: Size3;
  readonly radii: Size3;
  /** Rotation about z of the ellipsoid's axes, radians. */
  readonly angle: number;
  /** Signed mean offset (negative: hypodense). */
  readonly offset: number;
  /** Amplitudes of the surface harmonics (lobulation), each in [0, 0.25]. */
  readonly lobes: readonly [number, number, number];
  readonly texture: number;
}

/** Draws lesions centred on liver voxels of the patch; none when the patch holds no liver. */
export function drawLesions(rng: Rng, label: Uint8Array, size: Size3, cfg: LesionConfig): LesionDraw[] {
  if (!rng.chance(cfg.lesionProb)) return [];
  let liver = 0;
  for (let i = 0; i < label.length; i++) if (label[i] > 0) liver++;
  if (liver === 0) return [];
  const count = 1 + rng.int(Math.max(1, cfg.lesionMaxCount));
  const out: LesionDraw[] = [];
  for (let n = 0; n < count; n++) {
    // The k-th liver voxel in memory order, k uniform: a centre uniform over the liver.
    let k = rng.int(liver);
    let idx = 0;
    for (; idx < label.length; idx++) if (label[idx] > 0 && k-- === 0) break;
    const center: Size3 = [idx % size[0], Math.floor(idx / size[0]) % size[1], Math.floor(idx / (size[0] * size[1]))];
    const base = rng.uniform(cfg.lesionRadius[0], cfg.lesionRadius[1]);
    const radii: Size3 = [base * rng.uniform(0.7, 1.3), base * rng.uniform(0.7, 1.3), base * rng.uniform(0.7, 1.3)];
    const magnitude = rng.uniform(cfg.lesionContrast[0], cfg.lesionContrast[1]);
    const offset = rng.chance(cfg.lesionHypoShare) ? -magnitude : magnitude;
    const lobes: [number, number, number] = [rng.uniform(0, 0.25), rng.uniform(0, 0.25), rng.uniform(0, 0.25)];
    out.push({ center, radii, angle: rng.uniform(0, Math.PI), offset, lobes, texture: rng.uniform(0.1, 0.3) * magnitude });
  }
  return out;
}

/**
 * Pastes the lesions into the image in place; the label is read, never written (lesions are liver).
 * Returns how many voxels changed, so a test can see the lesion and the clipping to the organ.
 */
export function applyLesions(image: Float32Array, label: Uint8Array, size: Size3, lesions: readonly LesionDraw[], rng: Rng): number {
  const [nx, ny] = size;
  let changed = 0;
  for (const l of lesions) {
    const cos = Math.cos(l.angle);
    const sin = Math.sin(l.angle);
    const reach = Math.ceil(Math.max(...l.radii) * 1.3) + 1;
    const lo = l.center.map((c) => Math.max(0, c - reach));
    const hi = l.center.map((c, a) => Math.min(size[a] - 1, c + reach));
    for (let z = lo[2]; z <= hi[2]; z++) {
      for (let y = lo[1]; y <= hi[1]; y++) {
        for (let x = lo[0]; x <= hi[0]; x++) {
          const i = x + nx * (y + ny * z);
          if (label[i] === 0) continue;
          const dx = x - l.center[0];
          const dy = y - l.center[1];
          const dz = z - l.center[2];
          const u = (cos * dx + sin * dy) / l.radii[0];
          const v = (-sin * dx + cos * dy) / l.radii[1];
          const w = dz / l.radii[2];
          const r = Math.sqrt(u * u + v * v + w * w);
          // Lobulated surface: the unit radius modulated by low-order harmonics of the direction.
          const theta = Math.atan2(v, u);
          const phi = r > 0 ? Math.acos(Math.max(-1, Math.min(1, w / r))) : 0;
          const surface = 1 + l.lobes[0] * Math.cos(2 * theta) + l.lobes[1] * Math.cos(3 * theta + 1) + l.lobes[2] * Math.cos(2 * phi);
          // Smooth edge: full weight inside, linear fall-off over about one voxel at the boundary.
          const edge = (surface - r) * Math.min(...l.radii);
          const weight = Math.min(1, Math.max(0, edge + 0.5));
          if (weight === 0) continue;
          image[i] += weight * (l.offset + l.texture * rng.normal());
          changed++;
        }
      }
    }
  }
  return changed;
}

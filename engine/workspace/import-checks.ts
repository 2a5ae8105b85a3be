/**
 * Checks an image before it becomes a case. A segmentation file picked by mistake as a CT would otherwise be
 * stored as an image, given a split and trained on; CT holds negative Hounsfield values and hundreds of distinct
 * levels, a label map a handful of small non-negative integers.
 */
import type { Volume } from '../common/volume.js';

/** The largest value a label map is assumed to hold (nnU-Net datasets rarely name more than a few dozen). */
export const LABEL_LIKE_MAX_VALUE = 32;

/**
 * Why `image` looks like a label map (every voxel an integer in 0..LABEL_LIKE_MAX_VALUE), or null when it looks
 * like an image. One pass, stopping at the first voxel that rules it out.
 */
export function looksLikeLabel(image: Volume): string | null {
  const data = image.data;
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (!(v >= 0 && v <= LABEL_LIKE_MAX_VALUE && Number.isInteger(v))) return null;
    if (seen.size <= LABEL_LIKE_MAX_VALUE) seen.add(v);
  }
  const values = [...seen].sort((a, b) => a - b);
  const dtype = data.constructor.name.replace('Array', '').toLowerCase();
  return `every voxel is one of ${values.join(', ')} (${dtype}), which looks like a label map rather than a CT image`;
}

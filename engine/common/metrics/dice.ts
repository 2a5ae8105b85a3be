/**
 * Dice of prediction vs truth for label value c: 2|P∩T| / (|P| + |T|). Both empty counts as 1 (nothing to find,
 * nothing found), the convention of MONAI's DiceMetric with ignore_empty=False. One metric for validation during
 * training, the evaluate job and the tests, so their numbers are comparable.
 */
export function diceScore(pred: Uint8Array, truth: Uint8Array, c = 1): number {
  const { inter, p, t } = diceCounts(pred, truth, c);
  return diceFromCounts(inter, p, t);
}

/** The voxel counts a Dice of label value c is made of: overlap, prediction and truth (for Dice over parts). */
export function diceCounts(pred: Uint8Array, truth: Uint8Array, c = 1): { inter: number; p: number; t: number } {
  if (pred.length !== truth.length) throw new RangeError(`dice: prediction has ${pred.length} voxels, truth ${truth.length}`);
  let inter = 0;
  let p = 0;
  let t = 0;
  for (let i = 0; i < pred.length; i++) {
    const a = pred[i] === c;
    const b = truth[i] === c;
    if (a) p++;
    if (b) t++;
    if (a && b) inter++;
  }
  return { inter, p, t };
}

/** Dice from voxel counts: overlap, prediction, truth (the formula and the both-empty convention in one place). */
export function diceFromCounts(inter: number, p: number, t: number): number {
  return p + t === 0 ? 1 : (2 * inter) / (p + t);
}

/** Dice per label value, keyed by the value as a string ("1" → 0.93). */
export function dicePerLabel(pred: Uint8Array, truth: Uint8Array, values: readonly number[]): Record<string, number> {
  return Object.fromEntries(values.map((v) => [String(v), diceScore(pred, truth, v)]));
}

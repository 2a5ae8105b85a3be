/** Default segment colours by label value: one table for the viewer and for every export (SEG, .seg.nrrd, meshes). */

/** Liver red, tumour yellow, then a qualitative palette; index = label value (0 = background). */
export const SEGMENT_COLORS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [221, 84, 84],
  [241, 214, 145],
  [111, 184, 210],
  [144, 238, 144],
  [216, 101, 79],
  [183, 156, 220],
  [250, 250, 210],
];

export function segmentColor(value: number): readonly [number, number, number] {
  return SEGMENT_COLORS[value % SEGMENT_COLORS.length] ?? [200, 200, 200];
}

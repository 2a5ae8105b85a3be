/**
 * What every label export says about each segment: value, name, colour and the coded terms DICOM SEG and Slicer's
 * terminology need. One place, so a SEG, a .seg.nrrd and a mesh of the same version agree on names and colours.
 */
import { segmentColor } from '../common/segment-colors.js';
import type { LabelVolume } from '../common/volume.js';

export interface Code {
  readonly value: string;
  readonly scheme: string;
  readonly meaning: string;
}

export interface ExportSegment {
  readonly value: number;
  readonly name: string;
  readonly rgb: readonly [number, number, number];
  readonly voxels: number;
  readonly category: Code;
  readonly type: Code;
}

/** A name and colour the workspace gave a label value (colour null: the palette's). */
export interface LabelName {
  readonly value: number;
  readonly name: string;
  readonly color: string | null;
}

const ANATOMICAL: Code = { value: '123037004', scheme: 'SCT', meaning: 'Anatomical Structure' };
const ALTERED: Code = { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Altered Structure' };
const TISSUE: Code = { value: '85756007', scheme: 'SCT', meaning: 'Tissue' };

/** SNOMED CT terms (as DICOM PS3.16 CID 7150/7151 use them) for the names Lobule's liver workflow uses. */
const KNOWN: { test: RegExp; category: Code; type: Code }[] = [
  { test: /^liver$/i, category: ANATOMICAL, type: { value: '10200004', scheme: 'SCT', meaning: 'Liver' } },
  { test: /tumou?r|lesion|neoplasm|cancer|metasta/i, category: ALTERED, type: { value: '108369006', scheme: 'SCT', meaning: 'Neoplasm' } },
];

export function isLiver(name: string): boolean {
  return KNOWN[0].test.test(name.trim());
}

export function isTumour(name: string): boolean {
  return KNOWN[1].test.test(name.trim());
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Voxel count per label value 0..255. */
export function labelCounts(labels: LabelVolume): Float64Array {
  const counts = new Float64Array(256);
  const d = labels.data;
  for (let p = 0; p < d.length; p++) counts[d[p]]++;
  return counts;
}

/** The segments present in `labels` (value ≥ 1 with voxels), named from the workspace, else "Label N". */
export function segmentsOf(labels: LabelVolume, names: readonly LabelName[]): ExportSegment[] {
  const counts = labelCounts(labels);
  const out: ExportSegment[] = [];
  for (let value = 1; value < 256; value++) {
    if (counts[value] === 0) continue;
    const named = names.find((n) => n.value === value);
    const name = named?.name ?? `Label ${value}`;
    const known = KNOWN.find((k) => k.test.test(name.trim()));
    out.push({
      value,
      name,
      voxels: counts[value],
      rgb: named?.color ? hexToRgb(named.color) : ([...segmentColor(value)] as [number, number, number]),
      category: known?.category ?? TISSUE,
      type: known?.type ?? TISSUE,
    });
  }
  return out;
}

/** sRGB 0..255 → DICOM "PCS-Value" CIELab scaled to 0..65535 (PS3.3 C.10.7.1.1), D65 white as DICOM uses. */
export function rgbToDicomLab(rgb: readonly [number, number, number]): [number, number, number] {
  const lin = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
  const y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  const z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const L = 116 * f(y) - 16,
    a = 500 * (f(x) - f(y)),
    b = 200 * (f(y) - f(z));
  const clamp = (v: number) => Math.max(0, Math.min(65535, Math.round(v)));
  return [clamp((L * 65535) / 100), clamp(((a + 128) * 65535) / 255), clamp(((b + 128) * 65535) / 255)];
}

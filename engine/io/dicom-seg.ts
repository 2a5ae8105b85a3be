/**
 * DICOM SEG (BINARY, or FRACTIONAL thresholded at one half) → labels on the grid of a reference image. Each frame
 * is placed by its own ImagePositionPatient, so frame order and the referenced series' file order do not matter.
 * Labels get the segment number. Hand-written on dicom-parser: dcmjs's SEG helpers need a browser-side
 * Cornerstone image stack, not a volume with an affine.
 */
import type { DataSet } from 'dicom-parser';
import { LobuleError } from '../errors.js';
import type { LabelVolume, Volume } from '../common/volume.js';
import { formatAffine, invertAffine, voxelToWorld } from '../common/affine.js';
import { readFileBytes } from './bytes.js';
import { numbers, parseDicomBytes, SEG_SOP_CLASS, type DicomFile } from './dicom/parse.js';
import { validateAffine, validateDims, validateVolume } from './validate.js';

interface SegFrame {
  readonly position: number[];
  readonly orientation: number[];
  readonly spacing: number[];
  readonly segment: number;
}

function item(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

function frameGeometry(file: DicomFile): SegFrame[] {
  const ds = file.dataSet;
  const shared = item(ds, 'x52009229');
  const perFrame = ds.elements.x52009230?.items ?? [];
  if (perFrame.length !== file.frames) {
    throw new LobuleError(
      'E_CORRUPT',
      `DICOM SEG '${file.path}' has ${file.frames} frames but ${perFrame.length} per-frame descriptions`,
      'Export the segmentation again',
    );
  }
  return perFrame.map((it, n) => {
    const f = it.dataSet as DataSet;
    const inSeq = (ds: DataSet | undefined, seq: string, tag: string) => {
      const it = item(ds, seq);
      return it ? numbers(it, tag) : undefined;
    };
    const pick = (seq: string, tag: string) => inSeq(f, seq, tag) ?? inSeq(shared, seq, tag);
    const position = inSeq(f, 'x00209113', 'x00200032');
    const orientation = pick('x00209116', 'x00200037') ?? file.orientation;
    const spacing = pick('x00289110', 'x00280030') ?? file.pixelSpacing;
    const segment = item(f, 'x0062000a')?.uint16('x0062000b') ?? 1;
    if (!position || !orientation || !spacing) {
      throw new LobuleError(
        'E_CORRUPT',
        `DICOM SEG '${file.path}': frame ${n + 1} has no position, orientation or pixel spacing`,
        'Export the segmentation again',
      );
    }
    return { position, orientation, spacing, segment };
  });
}

/** Reference voxel coordinates of pixel (r, c) = o + r·dr + c·dc; all three must land on integer voxel steps. */
function frameToVoxels(frame: SegFrame, inv: Float64Array): { o: number[]; dr: number[]; dc: number[] } {
  const ras = (lps: number[]) => [-lps[0], -lps[1], lps[2]];
  const p0 = ras(frame.position);
  const rowDir = ras(frame.orientation.slice(0, 3));
  const colDir = ras(frame.orientation.slice(3, 6));
  const at = (r: number, c: number) =>
    voxelToWorld(
      inv,
      p0.map((v, a) => v + c * frame.spacing[1] * rowDir[a] + r * frame.spacing[0] * colDir[a]),
    );
  const o = at(0, 0);
  const r1 = at(1, 0);
  const c1 = at(0, 1);
  return { o, dr: r1.map((v, a) => v - o[a]), dc: c1.map((v, a) => v - o[a]) };
}

function isUnitAxisStep(v: number[]): boolean {
  const rounded = v.map(Math.round);
  return v.every((x, a) => Math.abs(x - rounded[a]) < 1e-3) && rounded.reduce((s, x) => s + Math.abs(x), 0) === 1;
}

export async function readDicomSegOnto(path: string, reference: Volume): Promise<LabelVolume> {
  const bytes = await readFileBytes(path, 'DICOM SEG file');
  let file: DicomFile | null;
  try {
    file = parseDicomBytes(path, bytes);
  } catch (e) {
    throw new LobuleError(
      'E_CORRUPT',
      `'${path}' cannot be parsed as DICOM (${e instanceof Error ? e.message : String(e)})`,
      'Export the segmentation again',
    );
  }
  if (!file || file.sopClassUid !== SEG_SOP_CLASS)
    throw new LobuleError(
      'E_UNSUPPORTED',
      `'${path}' is not a DICOM Segmentation object`,
      'Give a DICOM SEG file (SOP class 1.2.840.10008.5.1.4.1.1.66.4)',
    );
  const bits = file.dataSet.uint16('x00280100') ?? 1;
  const el = file.dataSet.elements.x7fe00010;
  if (!el || el.encapsulatedPixelData)
    throw new LobuleError(
      'E_UNSUPPORTED',
      `DICOM SEG '${path}' has compressed or no pixel data`,
      'Export it uncompressed (explicit VR little endian)',
    );
  if (!(Number.isInteger(file.rows) && file.rows >= 1 && Number.isInteger(file.columns) && file.columns >= 1)) {
    throw new LobuleError(
      'E_CORRUPT',
      `DICOM SEG '${path}' has Rows ${file.rows} and Columns ${file.columns}; both must be whole numbers ≥ 1`,
      'Export the segmentation again',
    );
  }
  if (bits !== 1 && bits !== 8)
    throw new LobuleError(
      'E_UNSUPPORTED',
      `DICOM SEG '${path}' has BitsAllocated ${bits}`,
      'Export it as a BINARY (1 bit) or FRACTIONAL (8 bit) segmentation',
    );
  const frames = frameGeometry(file);
  const pixels = file.rows * file.columns;
  const fractionalMax = file.dataSet.uint16('x0062000e') ?? 255;
  const needed = bits === 1 ? Math.ceil((pixels * frames.length) / 8) : pixels * frames.length;
  if (el.length < needed)
    throw new LobuleError(
      'E_CORRUPT',
      `DICOM SEG '${path}' is truncated: pixel data has ${el.length} bytes, ${needed} needed`,
      'Export the segmentation again',
    );
  validateDims(reference.dims, 1, { file: path, what: 'DICOM SEG reference image' }, 'reference dims');
  validateAffine(reference.affine, { file: path, what: 'DICOM SEG reference image' }, 'reference affine');
  const [nx, ny, nz] = reference.dims;
  const out = new Uint8Array(nx * ny * nz);
  const inv = invertAffine(reference.affine);
  const px = file.dataSet.byteArray;
  const overlaps = new Map<string, number>();
  frames.forEach((frame, f) => {
    if (frame.segment > 255)
      throw new LobuleError('E_UNSUPPORTED', `DICOM SEG '${path}' has segment number ${frame.segment}; labels are 1..255`);
    const g = frameToVoxels(frame, inv);
    if (!isUnitAxisStep(g.dr) || !isUnitAxisStep(g.dc) || g.o.some((v) => Math.abs(v - Math.round(v)) > 1e-3)) {
      throw geometryError(path, reference, `frame ${f + 1} (position ${frame.position.join('\\')}) does not lie on the image's voxel grid`);
    }
    const o = g.o.map(Math.round),
      dr = g.dr.map(Math.round),
      dc = g.dc.map(Math.round);
    for (let r = 0; r < file.rows; r++) {
      for (let c = 0; c < file.columns; c++) {
        const p = f * pixels + r * file.columns + c;
        const on = bits === 1 ? (px[el.dataOffset + (p >> 3)] >> (p & 7)) & 1 : px[el.dataOffset + p] * 2 >= fractionalMax;
        if (!on) continue;
        const i = o[0] + r * dr[0] + c * dc[0],
          j = o[1] + r * dr[1] + c * dc[1],
          k = o[2] + r * dr[2] + c * dc[2];
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) {
          throw geometryError(path, reference, `frame ${f + 1} has segment voxels outside the image`);
        }
        const at = i + nx * (j + ny * k);
        // one label per voxel: an overlap would lose a segment, so it is counted and refused below, never collapsed
        if (out[at] !== 0 && out[at] !== frame.segment) {
          const pair = `${Math.min(out[at], frame.segment)} and ${Math.max(out[at], frame.segment)}`;
          overlaps.set(pair, (overlaps.get(pair) ?? 0) + 1);
        }
        out[at] = frame.segment;
      }
    }
  });
  if (overlaps.size > 0) {
    const list = [...overlaps].map(([pair, n]) => `segments ${pair} share ${n} voxel${n === 1 ? '' : 's'}`).join('; ');
    throw new LobuleError(
      'E_UNSUPPORTED',
      `DICOM SEG '${path}' has overlapping segments (${list}); a Lobule label map holds one label per voxel`,
      'Remove the overlap in the tool that made the SEG, or export each segment as its own SEG and import them one at a time',
    );
  }
  return validateVolume({ data: out, dims: [nx, ny, nz], affine: Float64Array.from(reference.affine) }, { file: path, what: 'DICOM SEG' });
}

function geometryError(path: string, reference: Volume, why: string): LobuleError {
  return new LobuleError(
    'E_GEOMETRY',
    `DICOM SEG '${path}' does not match the image: ${why}; ` +
      `image grid is ${reference.dims.join('×')} with affine ${formatAffine(reference.affine)}`,
    'Open the SEG together with the image series it was drawn on',
  );
}

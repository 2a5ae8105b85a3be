/**
 * DICOM Segmentation (BINARY) of a label volume, encoded with dcmjs: one segment per label value with its name,
 * colour and coded terms, one frame per slice that holds the segment. When the case came from DICOM, the SEG joins
 * the source study and frame of reference and points at each source image (what PACS and Slicer use to pair them).
 *
 * The dataset is built here rather than with dcmjs's Segmentation derivation, which needs a stack of source image
 * datasets in memory and assumes their layout; Lobule has a volume with an affine.
 */
import dcmjs from 'dcmjs';
import { LobuleError } from '../errors.js';
import type { LabelVolume } from '../common/volume.js';
import type { DicomSource } from '../io/dicom/index.js';
import { rgbToDicomLab, type Code, type ExportSegment } from './segments.js';

const { DicomMetaDictionary, DicomDict } = dcmjs.data;

export const SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** Lobule's implementation class UID (a 2.25 UUID-derived root, fixed so files say which program wrote them). */
const IMPLEMENTATION_UID = '2.25.302419874712936598271046728419270362715';

export interface SegWriteOptions {
  /** Set when the labels' grid is the grid of this DICOM series (as read by Lobule): the SEG references it. */
  readonly source?: DicomSource;
  readonly seriesDescription?: string;
  /** MANUAL for hand-made versions; AUTOMATIC with the model name for model output. */
  readonly algorithm?: { readonly type: 'MANUAL' | 'SEMIAUTOMATIC' | 'AUTOMATIC'; readonly name?: string };
  readonly softwareVersion?: string;
  /** Fixed date and time (tests); default now. */
  readonly now?: Date;
}

type Dataset = Record<string, unknown>;

const code = (c: Code): Dataset => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning });

function unit(v: number[]): number[] {
  const n = Math.hypot(v[0], v[1], v[2]);
  return v.map((x) => x / n);
}

/** DS values: at most 16 characters (PS3.5 6.2). */
function ds(v: number): number {
  for (let digits = 10; digits > 1; digits--) {
    const x = Number(v.toPrecision(digits));
    if (String(x).length <= 16) return x;
  }
  return Number(v.toPrecision(1));
}

interface FrameGrid {
  readonly rows: number;
  readonly columns: number;
  readonly flipRows: boolean;
  readonly orientation: number[];
  readonly spacing: [number, number];
  readonly sliceSpacing: number;
  position(k: number): number[];
}

/**
 * Frame pixel (r, c) of slice k is voxel (c, r, k), or (c, ny−1−r, k) when `flipRows`: volumes read from DICOM
 * are stored with rows flipped (dcm2niix layout), and flipping back gives frames the source images' orientation.
 */
function frameGrid(labels: LabelVolume, flipRows: boolean): FrameGrid {
  const a = labels.affine;
  const [nx, ny] = labels.dims;
  const lps = (v: number[]) => [-v[0], -v[1], v[2]];
  const col = (c: number) => lps([a[c], a[4 + c], a[8 + c]]);
  const iAxis = col(0),
    jAxis = col(1),
    kAxis = col(2);
  const dot = (x: number[], y: number[]) => x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
  if (Math.abs(dot(unit(iAxis), unit(jAxis))) > 1e-4) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      'the label grid has non-perpendicular in-plane axes, which a DICOM frame cannot describe',
      'Resample the case to an orthogonal grid first',
    );
  }
  const rowStep = flipRows ? jAxis.map((v) => -v) : jAxis;
  const origin = lps([a[3], a[7], a[11]]);
  return {
    rows: ny,
    columns: nx,
    flipRows,
    orientation: [...unit(iAxis), ...unit(rowStep)].map(ds),
    spacing: [ds(Math.hypot(...jAxis)), ds(Math.hypot(...iAxis))],
    sliceSpacing: ds(Math.hypot(...kAxis)),
    position: (k: number) => origin.map((o, d) => ds(o + k * kAxis[d] + (flipRows ? (ny - 1) * jAxis[d] : 0))),
  };
}

function dicomDateTime(now: Date): { date: string; time: string } {
  const iso = now.toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}

/** Bytes of a BINARY SEG: every frame's bits one after another, bit 0 of each byte first (PS3.5 8.1.1). */
function packFrames(labels: LabelVolume, grid: FrameGrid, frames: { segment: number; k: number }[]): Uint8Array {
  const { rows, columns } = grid;
  const [nx, ny] = labels.dims;
  const perFrame = rows * columns;
  const bytes = new Uint8Array(Math.ceil((perFrame * frames.length) / 8 / 2) * 2);
  frames.forEach(({ segment, k }, f) => {
    for (let r = 0; r < rows; r++) {
      const j = grid.flipRows ? ny - 1 - r : r;
      const src = nx * (j + ny * k);
      for (let c = 0; c < columns; c++) {
        if (labels.data[src + c] !== segment) continue;
        const bit = f * perFrame + r * columns + c;
        bytes[bit >> 3] |= 1 << (bit & 7);
      }
    }
  });
  return bytes;
}

function slicesWith(labels: LabelVolume, value: number): number[] {
  const [nx, ny, nz] = labels.dims;
  const out: number[] = [];
  for (let k = 0; k < nz; k++) {
    const slice = labels.data.subarray(nx * ny * k, nx * ny * (k + 1));
    if (slice.includes(value)) out.push(k);
  }
  return out;
}

/** Part 10 bytes of a DICOM SEG holding `segments` of `labels`. */
export function encodeDicomSeg(labels: LabelVolume, segments: readonly ExportSegment[], options: SegWriteOptions = {}): Uint8Array {
  if (segments.length === 0)
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      'the label version has no labelled voxels, so there is no segment to export',
      'Draw or import labels first',
    );
  const source = options.source;
  if (source && source.instanceUids.length !== labels.dims[2]) {
    throw new LobuleError(
      'E_GEOMETRY',
      `the source DICOM series has ${source.instanceUids.length} images but the labels have ${labels.dims[2]} slices`,
      'Export without the DICOM reference',
    );
  }
  const grid = frameGrid(labels, source !== undefined);
  const frames = segments.flatMap((s) => slicesWith(labels, s.value).map((k) => ({ segment: s.value, k })));
  const segmentNumber = new Map(segments.map((s, n) => [s.value, n + 1]));
  const uid = () => DicomMetaDictionary.uid();
  const sopInstanceUid = uid();
  const { date, time } = dicomDateTime(options.now ?? new Date());
  const algorithm = options.algorithm ?? { type: 'MANUAL' as const };
  const attrs = source?.attributes ?? {};
  const dimensionUid = uid();
  const dataset: Dataset = {
    _vrMap: { PixelData: 'OB' },
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['DERIVED', 'PRIMARY'],
    SOPClassUID: SEG_SOP_CLASS_UID,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: attrs.StudyDate ?? '',
    StudyTime: attrs.StudyTime ?? '',
    SeriesDate: date,
    SeriesTime: time,
    ContentDate: date,
    ContentTime: time,
    AccessionNumber: attrs.AccessionNumber ?? '',
    Modality: 'SEG',
    Manufacturer: 'Lobule',
    ReferringPhysicianName: attrs.ReferringPhysicianName ?? '',
    StudyDescription: attrs.StudyDescription ?? '',
    SeriesDescription: options.seriesDescription ?? 'Lobule segmentation',
    ManufacturerModelName: 'Lobule',
    DeviceSerialNumber: '1',
    SoftwareVersions: options.softwareVersion ?? '0',
    PatientName: attrs.PatientName ?? '',
    PatientID: attrs.PatientID ?? '',
    PatientBirthDate: attrs.PatientBirthDate ?? '',
    PatientSex: attrs.PatientSex ?? '',
    StudyInstanceUID: source?.studyUid || uid(),
    SeriesInstanceUID: uid(),
    StudyID: attrs.StudyID ?? '',
    SeriesNumber: 300,
    InstanceNumber: 1,
    FrameOfReferenceUID: source?.frameOfReferenceUid || uid(),
    PositionReferenceIndicator: '',
    ContentLabel: 'LOBULE',
    ContentDescription: options.seriesDescription ?? 'Lobule segmentation',
    ContentCreatorName: '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: frames.length,
    Rows: grid.rows,
    Columns: grid.columns,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionUid }],
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: dimensionUid,
        DimensionIndexPointer: 0x0062000b,
        FunctionalGroupPointer: 0x0062000a,
        DimensionDescriptionLabel: 'ReferencedSegmentNumber',
      },
      {
        DimensionOrganizationUID: dimensionUid,
        DimensionIndexPointer: 0x00200032,
        FunctionalGroupPointer: 0x00209113,
        DimensionDescriptionLabel: 'ImagePositionPatient',
      },
    ],
    SegmentSequence: segments.map((s) => ({
      SegmentNumber: segmentNumber.get(s.value),
      SegmentLabel: s.name.slice(0, 64),
      SegmentAlgorithmType: algorithm.type,
      ...(algorithm.type !== 'MANUAL' ? { SegmentAlgorithmName: (algorithm.name ?? 'Lobule').slice(0, 64) } : {}),
      SegmentedPropertyCategoryCodeSequence: [code(s.category)],
      SegmentedPropertyTypeCodeSequence: [code(s.type)],
      RecommendedDisplayCIELabValue: rgbToDicomLab(s.rgb),
    })),
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: grid.orientation }],
        PixelMeasuresSequence: [{ PixelSpacing: grid.spacing, SliceThickness: grid.sliceSpacing, SpacingBetweenSlices: grid.sliceSpacing }],
      },
    ],
    PerFrameFunctionalGroupsSequence: frames.map(({ segment, k }) => ({
      FrameContentSequence: [{ DimensionIndexValues: [segmentNumber.get(segment), k + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: grid.position(k) }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: segmentNumber.get(segment) }],
      ...(source
        ? {
            DerivationImageSequence: [
              {
                SourceImageSequence: [
                  {
                    ReferencedSOPClassUID: source.sopClassUid,
                    ReferencedSOPInstanceUID: source.instanceUids[k],
                    PurposeOfReferenceCodeSequence: [
                      code({ value: '121322', scheme: 'DCM', meaning: 'Source image for image processing operation' }),
                    ],
                  },
                ],
                DerivationCodeSequence: [code({ value: '113076', scheme: 'DCM', meaning: 'Segmentation' })],
              },
            ],
          }
        : {}),
    })),
    ...(source
      ? {
          ReferencedSeriesSequence: [
            {
              SeriesInstanceUID: source.seriesUid,
              ReferencedInstanceSequence: [...new Set(source.instanceUids)].map((u) => ({
                ReferencedSOPClassUID: source.sopClassUid,
                ReferencedSOPInstanceUID: u,
              })),
            },
          ],
        }
      : {}),
    PixelData: [packFrames(labels, grid, frames).buffer],
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: SEG_SOP_CLASS_UID,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: IMPLEMENTATION_UID,
    ImplementationVersionName: 'LOBULE',
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}

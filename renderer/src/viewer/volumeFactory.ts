/**
 * Builds Cornerstone volumes from the engine's bytes (no loader, no network of its own): the image keeps its
 * dtype (Int16 or Float32; other integer types are widened to Float32 because Cornerstone's local volumes take
 * only Uint8/Int16/Uint16/Float32), and the labelmap is a Uint8Array that Cornerstone shares, not copies, so the
 * editor writes voxels in place.
 */
import { cache, utilities as csUtils, volumeLoader, type Types } from '@cornerstonejs/core';

/** What a volume exposes to mark texture slices for re-upload (Cornerstone's streaming texture). */
interface UpdatableVolume {
  readonly imageData?: { modified(): void };
  readonly vtkOpenGLTexture?: { setUpdatedFrame?(frame: number): void };
}

/** Marks axial slices of a cached volume for re-upload to its GPU texture. */
export function markSlicesUpdated(volumeId: string, slices: Iterable<number>): void {
  const volume = cache.getVolume(volumeId) as unknown as UpdatableVolume | undefined;
  for (const k of slices) volume?.vtkOpenGLTexture?.setUpdatedFrame?.(k);
  volume?.imageData?.modified();
}

import type { VolumeMeta } from '../../../engine/api/contract.js';
import { rasAffineToLps, type LpsGeometry } from './geometry.js';

export type ImageScalars = Int16Array | Float32Array | Uint8Array | Uint16Array;

export interface BuiltVolumes {
  readonly imageVolumeId: string;
  readonly labelVolumeId: string;
  readonly geometry: LpsGeometry;
  readonly image: ImageScalars;
  readonly labels: Uint8Array;
  readonly dims: readonly [number, number, number];
  readonly metadata: Types.Metadata;
  readonly common: Pick<Parameters<typeof volumeLoader.createLocalVolume>[1] & object, 'dimensions' | 'spacing' | 'origin' | 'direction'>;
}

/**
 * Cornerstone's createLocalVolume gives every slice image the volume's origin as its position, so tools that
 * look up the slice under a point (measurements, crosshairs, segmentation) find none and log "No imageId found"
 * on every frame. Each slice gets its real position (origin + k · spacing · k-direction) and the modality here,
 * which also lets the ellipse ROI report HU.
 */
function placeSlices(volumeId: string, common: BuiltVolumes['common'], frameOfReferenceUID: string, modality: string): void {
  const volume = cache.getVolume(volumeId);
  if (!volume) return;
  const [nx, ny] = common.dimensions;
  const [o, s, d] = [common.origin, common.spacing, common.direction];
  volume.imageIds.forEach((imageId, k) => {
    const imagePositionPatient = [0, 1, 2].map((a) => o[a] + k * s[2] * d[6 + a]);
    const plane = {
      frameOfReferenceUID,
      rows: ny,
      columns: nx,
      imageOrientationPatient: [...d.slice(0, 6)],
      rowCosines: [...d.slice(0, 3)],
      columnCosines: [...d.slice(3, 6)],
      imagePositionPatient,
      pixelSpacing: [s[1], s[0]],
      rowPixelSpacing: s[1],
      columnPixelSpacing: s[0],
      sliceThickness: s[2],
    };
    csUtils.genericMetadataProvider.addRaw(imageId, { type: 'imagePlaneModule', metadata: plane });
    csUtils.genericMetadataProvider.addRaw(imageId, { type: 'generalSeriesModule', metadata: { modality, frameOfReferenceUID } });
  });
}

/** Interprets the image endpoint's bytes per the meta's dtype. @throws Error naming the case on a size mismatch. */
export function imageScalarsFromBytes(meta: VolumeMeta, bytes: ArrayBuffer): ImageScalars {
  const n = meta.dims[0] * meta.dims[1] * meta.dims[2];
  const expect = (size: number): void => {
    if (bytes.byteLength !== n * size) {
      throw new Error(
        `image of case ${meta.caseId} has ${bytes.byteLength} bytes, expected ${n * size} for ${meta.dtype} ${meta.dims.join('×')}`,
      );
    }
  };
  switch (meta.dtype) {
    case 'int16':
      expect(2);
      return new Int16Array(bytes);
    case 'uint16':
      expect(2);
      return new Uint16Array(bytes);
    case 'uint8':
      expect(1);
      return new Uint8Array(bytes);
    case 'float32':
      expect(4);
      return new Float32Array(bytes);
    case 'int8':
      expect(1);
      return Float32Array.from(new Int8Array(bytes));
    case 'int32':
      expect(4);
      return Float32Array.from(new Int32Array(bytes));
    case 'uint32':
      expect(4);
      return Float32Array.from(new Uint32Array(bytes));
    case 'float64':
      expect(8);
      return Float32Array.from(new Float64Array(bytes));
  }
}

/** No VOI in the metadata: the viewer sets the window itself, and a metadata VOI would rescale 3D transfer functions. */
function metadataFor(
  geometry: LpsGeometry,
  dims: readonly number[],
  bits: number,
  frameOfReference: string,
  modality: string,
): Types.Metadata {
  return {
    BitsAllocated: bits,
    BitsStored: bits,
    SamplesPerPixel: 1,
    HighBit: bits - 1,
    PhotometricInterpretation: 'MONOCHROME2',
    PixelRepresentation: 1,
    Modality: modality,
    ImageOrientationPatient: [...geometry.direction.slice(0, 6)],
    PixelSpacing: [geometry.spacing[1], geometry.spacing[0]],
    FrameOfReferenceUID: frameOfReference,
    Columns: dims[0],
    Rows: dims[1],
    voiLut: [],
    VOILUTFunction: 'LINEAR',
  };
}

let generation = 0;

/** Creates (and caches) the image and labelmap volumes of one opened case; ids are unique per call. */
export function buildVolumes(meta: VolumeMeta, image: ImageScalars, labels: Uint8Array): BuiltVolumes {
  const geometry = rasAffineToLps(meta.affine);
  const dims = [meta.dims[0], meta.dims[1], meta.dims[2]] as [number, number, number];
  // No ":" in ids: Cornerstone would then treat slice ids as loader URLs (scheme:...) and try to fetch them.
  const tag = `${meta.caseId}-${++generation}`;
  const frameOfReference = `lobule-${tag}`;
  const common = {
    dimensions: dims as Types.Point3,
    spacing: [...geometry.spacing] as Types.Point3,
    origin: [...geometry.origin] as Types.Point3,
    direction: [...geometry.direction] as Types.Mat3,
  };
  const imageVolumeId = `lobule-image-${tag}`;
  volumeLoader.createLocalVolume(imageVolumeId, {
    ...common,
    scalarData: image,
    metadata: metadataFor(geometry, dims, image.BYTES_PER_ELEMENT * 8, frameOfReference, 'CT'),
  });
  placeSlices(imageVolumeId, common, frameOfReference, 'CT');
  const labelVolumeId = `lobule-label-${tag}`;
  volumeLoader.createLocalVolume(labelVolumeId, {
    ...common,
    scalarData: labels,
    referencedVolumeId: imageVolumeId,
    metadata: metadataFor(geometry, dims, 8, frameOfReference, 'SEG'),
  });
  placeSlices(labelVolumeId, common, frameOfReference, 'SEG');
  return {
    imageVolumeId,
    labelVolumeId,
    geometry,
    image,
    labels,
    dims,
    metadata: metadataFor(geometry, dims, 8, frameOfReference, 'SEG'),
    common,
  };
}

export function releaseVolumes(built: BuiltVolumes | undefined): void {
  if (!built) return;
  cache.removeVolumeLoadObject(built.labelVolumeId);
  cache.removeVolumeLoadObject(built.imageVolumeId);
}

/**
 * Builds Cornerstone volumes from the engine's bytes (no loader, no network of its own): the image keeps its
 * dtype (Int16 or Float32; other integer types are widened to Float32 because Cornerstone's local volumes take
 * only Uint8/Int16/Uint16/Float32), and the labelmap is a Uint8Array that Cornerstone shares, not copies, so the
 * editor writes voxels in place.
 */
import { cache, Enums, eventTarget, ImageVolume, triggerEvent, utilities as csUtils, type Types } from '@cornerstonejs/core';

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

/**
 * Tells the CPU-drawn views that a volume's voxels changed: each drops the slice it sampled and samples again when
 * it is next rendered (the GPU path's counterpart is markSlicesUpdated).
 */
export function markVolumeModified(volumeId: string): void {
  triggerEvent(eventTarget, Enums.Events.IMAGE_VOLUME_MODIFIED, { volumeId });
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
  readonly common: {
    readonly dimensions: Types.Point3;
    readonly spacing: Types.Point3;
    readonly origin: Types.Point3;
    readonly direction: Types.Mat3;
  };
}

/** The whole-volume array of each volume built with `shareScalars`, by its voxel manager. */
const shared = new WeakMap<object, LocalScalars>();

/** The array a volume's slices are views of, where the volume was built with `shareScalars` (else undefined). */
export function sharedScalarsOf(voxelManager: object): ArrayLike<number> | undefined {
  return shared.get(voxelManager);
}

/** Voxel value range of a volume (the host's meta states it for the image; a labelmap is 0..255). */
export type ValueRange = readonly [number, number];

/** Cornerstone's local volumes take these four scalar types (others are widened to Float32 by the caller). */
type LocalScalars = Int16Array | Float32Array | Uint8Array | Uint16Array;

/**
 * Cornerstone's createLocalVolume, without its per-voxel scans: it computes each slice's min and max over every
 * voxel (for a 512×512×300 image plus labelmap, 157 M voxels, ~1 s of an open here), though the host already
 * states the image's range and a labelmap's is 0..255. It also gives every slice the volume's origin as its
 * position, so tools that look up the slice under a point (measurements, crosshairs, segmentation) found none and
 * logged "No imageId found" on every frame: each slice gets its real position (origin + k · spacing · k-direction)
 * and the modality, which also lets the ellipse ROI report HU. Built from Cornerstone's own classes and caches.
 */
function createLocalVolume(
  volumeId: string,
  common: BuiltVolumes['common'],
  scalars: LocalScalars,
  range: ValueRange,
  ids: { frameOfReferenceUID: string; modality: string; metadata: Types.Metadata; referencedVolumeId?: string },
  shareScalars: boolean,
): void {
  const [nx, ny, nz] = common.dimensions;
  const [o, s, d] = [common.origin, common.spacing, common.direction];
  const sliceLength = nx * ny;
  const bits = scalars.BYTES_PER_ELEMENT * 8;
  const pixel = { samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', rows: ny, columns: nx };
  const imageIds: string[] = [];
  for (let k = 0; k < nz; k++) {
    const imageId = `${volumeId}_slice_${k}`;
    imageIds.push(imageId);
    const plane = {
      frameOfReferenceUID: ids.frameOfReferenceUID,
      rows: ny,
      columns: nx,
      imageOrientationPatient: [...d.slice(0, 6)],
      rowCosines: [...d.slice(0, 3)],
      columnCosines: [...d.slice(3, 6)],
      imagePositionPatient: [0, 1, 2].map((a) => o[a] + k * s[2] * d[6 + a]),
      pixelSpacing: [s[1], s[0]],
      rowPixelSpacing: s[1],
      columnPixelSpacing: s[0],
      sliceThickness: s[2],
    };
    const provider = csUtils.genericMetadataProvider;
    provider.addRaw(imageId, { type: 'imagePlaneModule', metadata: plane });
    provider.addRaw(imageId, {
      type: 'imagePixelModule',
      metadata: { ...pixel, bitsAllocated: bits, bitsStored: bits, highBit: bits - 1 },
    });
    provider.addRaw(imageId, {
      type: 'generalSeriesModule',
      metadata: { modality: ids.modality, frameOfReferenceUID: ids.frameOfReferenceUID },
    });
    const sliceData = scalars.subarray(k * sliceLength, (k + 1) * sliceLength);
    const voxelManager = csUtils.VoxelManager.createImageVoxelManager({ width: nx, height: ny, scalarData: sliceData, id: imageId });
    const image = {
      imageId,
      intercept: 0,
      slope: 1,
      windowCenter: 0,
      windowWidth: 0,
      color: false,
      numberOfComponents: 1,
      dataType: scalars.constructor.name,
      minPixelValue: range[0],
      maxPixelValue: range[1],
      rows: ny,
      columns: nx,
      height: ny,
      width: nx,
      columnPixelSpacing: s[0],
      rowPixelSpacing: s[1],
      FrameOfReferenceUID: ids.frameOfReferenceUID,
      invert: false,
      getCanvas: undefined,
      rgba: undefined,
      getPixelData: () => voxelManager.getScalarData(),
      voxelManager,
      sizeInBytes: sliceData.byteLength,
    };
    cache.putImageSync(imageId, image as unknown as Types.IImage);
  }
  const volume = new ImageVolume({
    volumeId,
    metadata: ids.metadata,
    dimensions: [nx, ny, nz],
    spacing: common.spacing,
    origin: common.origin,
    direction: common.direction,
    imageIds,
    dataType: scalars.constructor.name,
    referencedVolumeId: ids.referencedVolumeId,
    voxelManager: csUtils.VoxelManager.createImageVolumeVoxelManager({
      imageIds,
      dimensions: [nx, ny, nz],
      numberOfComponents: 1,
      id: volumeId,
    }),
  } as unknown as ConstructorParameters<typeof ImageVolume>[0]);
  // The slices are views of `scalars`, so the whole volume is `scalars` itself: Cornerstone's image-volume voxel
  // manager would copy all slices into a new array instead, once per draw of a CPU view after each labelmap edit
  // (~80 MB, ~0.1 s each on this machine). Only the CPU views read it so often; the GPU path keeps Cornerstone's copy.
  if (shareScalars) {
    const voxelManager = volume.voxelManager as unknown as { getCompleteScalarDataArray: () => LocalScalars };
    voxelManager.getCompleteScalarDataArray = () => scalars;
    shared.set(voxelManager, scalars);
  }
  cache.putVolumeSync(volumeId, volume);
}

/**
 * How the viewer holds each voxel type the host may send: bytes per voxel and the typed array over the bytes (no
 * copy where Cornerstone takes the type; other types are widened to Float32, exactly for every value they hold but
 * int32/uint32 beyond 2^24 and float64 beyond float32 precision).
 */
const SCALARS: Readonly<Record<VolumeMeta['dtype'], { readonly size: number; readonly view: (b: ArrayBuffer) => ImageScalars }>> = {
  int16: { size: 2, view: (b) => new Int16Array(b) },
  uint16: { size: 2, view: (b) => new Uint16Array(b) },
  uint8: { size: 1, view: (b) => new Uint8Array(b) },
  float32: { size: 4, view: (b) => new Float32Array(b) },
  int8: { size: 1, view: (b) => Float32Array.from(new Int8Array(b)) },
  int32: { size: 4, view: (b) => Float32Array.from(new Int32Array(b)) },
  uint32: { size: 4, view: (b) => Float32Array.from(new Uint32Array(b)) },
  float64: { size: 8, view: (b) => Float32Array.from(new Float64Array(b)) },
};

/** Interprets the image endpoint's bytes per the meta's dtype. @throws Error naming the case on a size mismatch. */
export function imageScalarsFromBytes(meta: VolumeMeta, bytes: ArrayBuffer): ImageScalars {
  const n = meta.dims[0] * meta.dims[1] * meta.dims[2];
  const { size, view } = SCALARS[meta.dtype];
  if (bytes.byteLength !== n * size) {
    throw new Error(
      `image of case ${meta.caseId} has ${bytes.byteLength} bytes, expected ${n * size} for ${meta.dtype} ${meta.dims.join('×')}`,
    );
  }
  return view(bytes);
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

/**
 * Creates (and caches) the image and labelmap volumes of one opened case; ids are unique per call. `shareScalars`:
 * the volumes' whole-volume array is the caller's array itself, not a copy (for the CPU-drawn views).
 */
export function buildVolumes(meta: VolumeMeta, image: ImageScalars, labels: Uint8Array, shareScalars = false): BuiltVolumes {
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
  const imageMetadata = metadataFor(geometry, dims, image.BYTES_PER_ELEMENT * 8, frameOfReference, 'CT');
  createLocalVolume(
    imageVolumeId,
    common,
    image,
    [meta.min, meta.max],
    {
      frameOfReferenceUID: frameOfReference,
      modality: 'CT',
      metadata: imageMetadata,
    },
    shareScalars,
  );
  const labelVolumeId = `lobule-label-${tag}`;
  const labelMetadata = metadataFor(geometry, dims, 8, frameOfReference, 'SEG');
  createLocalVolume(
    labelVolumeId,
    common,
    labels,
    [0, 255],
    {
      frameOfReferenceUID: frameOfReference,
      modality: 'SEG',
      metadata: labelMetadata,
      referencedVolumeId: imageVolumeId,
    },
    shareScalars,
  );
  return {
    imageVolumeId,
    labelVolumeId,
    geometry,
    image,
    labels,
    dims,
    metadata: labelMetadata,
    common,
  };
}

export function releaseVolumes(built: BuiltVolumes | undefined): void {
  if (!built) return;
  cache.removeVolumeLoadObject(built.labelVolumeId);
  cache.removeVolumeLoadObject(built.imageVolumeId);
}

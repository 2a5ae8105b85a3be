/** Messages between the 3D view and its surface worker (surfaceWorker.ts). */
import type { LpsGeometry } from './geometry.js';
import type { SegmentSurface } from './surfaceMesher.js';

export type SurfaceRequest =
  /** A case is shown: the worker owns this copy of its labelmap from now on. */
  | {
      readonly kind: 'init';
      readonly caseTag: string;
      readonly dims: readonly [number, number, number];
      readonly geometry: LpsGeometry;
      readonly labels: Uint8Array;
    }
  /** Axial slices `slices` changed; `data` holds them one after another. */
  | { readonly kind: 'slices'; readonly caseTag: string; readonly slices: readonly number[]; readonly data: Uint8Array }
  /** Compute every segment's surface now. */
  | { readonly kind: 'mesh'; readonly caseTag: string; readonly request: number };

export type SurfaceReply =
  | {
      readonly kind: 'surfaces';
      readonly caseTag: string;
      readonly request: number;
      readonly surfaces: SegmentSurface[];
      readonly ms: number;
    }
  | { readonly kind: 'error'; readonly caseTag: string; readonly request: number; readonly message: string };

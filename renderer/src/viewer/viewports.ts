/** The four views of the workstation and how each is set up (data, not code). */
import { Enums } from '@cornerstonejs/core';

export type ViewId = 'axial' | 'sagittal' | 'coronal' | 'three';
export type MprViewId = Exclude<ViewId, 'three'>;

export const RENDERING_ENGINE_ID = 'lobule-engine';
export const MPR_TOOL_GROUP = 'lobule-mpr';
export const THREE_TOOL_GROUP = 'lobule-3d';
export const MPR_VIEWS: readonly MprViewId[] = ['axial', 'sagittal', 'coronal'];

export const VIEW_TITLES: Readonly<Record<ViewId, string>> = {
  axial: 'Axial',
  sagittal: 'Sagittal',
  coronal: 'Coronal',
  three: '3D',
};

export function viewportInput(
  id: ViewId,
  element: HTMLDivElement,
): {
  viewportId: string;
  element: HTMLDivElement;
  type: Enums.ViewportType;
  defaultOptions: { orientation?: Enums.OrientationAxis; background: [number, number, number] };
} {
  const background: [number, number, number] = [0, 0, 0];
  if (id === 'three') {
    return {
      viewportId: id,
      element,
      type: Enums.ViewportType.VOLUME_3D,
      defaultOptions: { orientation: Enums.OrientationAxis.CORONAL, background: [0.08, 0.08, 0.1] },
    };
  }
  const orientation = {
    axial: Enums.OrientationAxis.AXIAL,
    sagittal: Enums.OrientationAxis.SAGITTAL,
    coronal: Enums.OrientationAxis.CORONAL,
  }[id];
  return { viewportId: id, element, type: Enums.ViewportType.ORTHOGRAPHIC, defaultOptions: { orientation, background } };
}

// The vtk.js calls Lobule makes to mesh label maps, declared once for their two users: engine/export/mesh.ts
// (label export, Node) and renderer/src/viewer/surfaceMesher.ts (the 3D view, worker and Node tests). vtk.js
// ships no declarations for its filters, and those of its data model do not resolve under Node's ESM rules, so
// these ambient modules (which TypeScript prefers to the package's own files) cover exactly what the two call.
declare module '@kitware/vtk.js/Common/DataModel/ImageData.js' {
  const vtkImageData: { newInstance(): VtkImageData };
  export interface VtkImageData {
    setDimensions(x: number, y: number, z: number): void;
    setSpacing(x: number, y: number, z: number): void;
    setOrigin(x: number, y: number, z: number): void;
    getPointData(): { setScalars(array: unknown): void };
  }
  export default vtkImageData;
}
declare module '@kitware/vtk.js/Common/DataModel/PolyData.js' {
  const vtkPolyData: { newInstance(): VtkPolyData };
  export interface VtkPolyData {
    getPoints(): { getData(): Float32Array | Float64Array; setData(data: Float32Array, components: number): void };
    getPolys(): { getData(): Uint32Array | Int32Array; setData(data: Uint32Array): void };
    getPointData(): { getNormals(): { getData(): Float32Array | Float64Array } | null };
  }
  export default vtkPolyData;
}
declare module '@kitware/vtk.js/Common/Core/DataArray.js' {
  const vtkDataArray: { newInstance(options: { numberOfComponents: number; values: Float32Array }): unknown };
  export default vtkDataArray;
}
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js' {
  import type { VtkImageData } from '@kitware/vtk.js/Common/DataModel/ImageData.js';
  import type { VtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData.js';
  const vtkImageMarchingCubes: {
    newInstance(options: { contourValue: number; computeNormals: boolean; mergePoints: boolean }): {
      setInputData(data: VtkImageData): void;
      getOutputData(): VtkPolyData;
    };
  };
  export default vtkImageMarchingCubes;
}
declare module '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter.js' {
  import type { VtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData.js';
  const vtkWindowedSincPolyDataFilter: {
    newInstance(options: Record<string, number | boolean>): { setInputData(data: VtkPolyData): void; getOutputData(): VtkPolyData };
  };
  export default vtkWindowedSincPolyDataFilter;
}
declare module '@kitware/vtk.js/Filters/Core/PolyDataNormals.js' {
  import type { VtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData.js';
  const vtkPolyDataNormals: {
    newInstance(options: { computePointNormals: boolean; computeCellNormals: boolean }): {
      setInputData(data: VtkPolyData): void;
      getOutputData(): VtkPolyData;
    };
  };
  export default vtkPolyDataNormals;
}

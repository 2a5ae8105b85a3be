// @kitware/vtk.js ships no declarations for these filters; these cover the calls surfaceMesher.ts makes.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js' {
  import type { vtkImageData } from '@kitware/vtk.js/Common/DataModel/ImageData.js';
  import type { vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData.js';
  const marchingCubes: {
    newInstance(options: { contourValue: number; computeNormals: boolean; mergePoints: boolean }): {
      setInputData(data: vtkImageData): void;
      getOutputData(): vtkPolyData;
    };
  };
  export default marchingCubes;
}
declare module '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter.js' {
  import type { vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData.js';
  const sincSmoother: {
    newInstance(options: Record<string, number | boolean>): { setInputData(data: vtkPolyData): void; getOutputData(): vtkPolyData };
  };
  export default sincSmoother;
}
declare module '@kitware/vtk.js/Filters/Core/PolyDataNormals.js' {
  import type { vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData.js';
  const polyDataNormals: {
    newInstance(options: { computePointNormals: boolean; computeCellNormals: boolean }): {
      setInputData(data: vtkPolyData): void;
      getOutputData(): vtkPolyData;
    };
  };
  export default polyDataNormals;
}

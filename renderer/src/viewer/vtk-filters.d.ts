// @kitware/vtk.js ships no declarations for these filters; these cover the calls surfaceMesher.ts makes.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  import type { vtkImageData } from '@kitware/vtk.js/Common/DataModel/ImageData';
  import type { vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData';
  const vtkImageMarchingCubes: {
    newInstance(options: { contourValue: number; computeNormals: boolean; mergePoints: boolean }): {
      setInputData(data: vtkImageData): void;
      getOutputData(): vtkPolyData;
    };
  };
  export default vtkImageMarchingCubes;
}
declare module '@kitware/vtk.js/Filters/General/WindowedSincPolyDataFilter' {
  import type { vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData';
  const vtkWindowedSincPolyDataFilter: {
    newInstance(options: Record<string, number | boolean>): { setInputData(data: vtkPolyData): void; getOutputData(): vtkPolyData };
  };
  export default vtkWindowedSincPolyDataFilter;
}
declare module '@kitware/vtk.js/Filters/Core/PolyDataNormals' {
  import type { vtkPolyData } from '@kitware/vtk.js/Common/DataModel/PolyData';
  const vtkPolyDataNormals: {
    newInstance(options: { computePointNormals: boolean; computeCellNormals: boolean }): {
      setInputData(data: vtkPolyData): void;
      getOutputData(): vtkPolyData;
    };
  };
  export default vtkPolyDataNormals;
}

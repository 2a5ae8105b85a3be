/** The label export formats, one list for the engine, the API schema, the CLI and the app's Export menu. */
export const LABEL_EXPORT_FORMATS = ['seg', 'nrrd', 'nifti', 'stl', 'obj', 'csv'] as const;
export type LabelExportFormat = (typeof LABEL_EXPORT_FORMATS)[number];

/** What each format is, for menus and help. */
export const LABEL_EXPORT_TITLES: Readonly<Record<LabelExportFormat, string>> = {
  seg: 'DICOM SEG',
  nrrd: '3D Slicer .seg.nrrd',
  nifti: 'NIfTI label map',
  stl: 'STL meshes (one per segment)',
  obj: 'OBJ meshes (one per segment)',
  csv: 'Volume report (CSV)',
};

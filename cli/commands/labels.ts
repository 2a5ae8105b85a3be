/** `lobule labels export`: a case's label version as DICOM SEG, .seg.nrrd, NIfTI, STL/OBJ meshes or a volume CSV. */
import { resolve } from 'node:path';
import { LobuleError } from '../../engine/errors.js';
import { defineCommand } from './options.js';
import { Workspace } from '../../engine/workspace/workspace.js';
import { exportCaseLabels, LABEL_EXPORT_FORMATS, type LabelExportFormat } from '../../engine/export/export-labels.js';

const USAGE = `Usage: lobule labels export CASE --format seg|nrrd|nifti|stl|obj|csv -o OUT [--workspace DIR] [--version V]
                            [--space RAS|LPS] [--smooth N] [--json]

Writes one label version of a case (default: the latest) for other tools:
  seg     DICOM Segmentation (binary, one segment per label with name, colour and coded terms); when the case
          was imported from a DICOM series that is still on disk, it references that study, series and frame of
          reference, and each source image
  nrrd    3D Slicer segmentation (.seg.nrrd: segment names, colours, extents)
  nifti   the label map as .nii.gz
  stl|obj one surface mesh per label (marching cubes) in the folder OUT, in RAS (default) or LPS millimetres;
          --smooth N runs N iterations of volume-preserving smoothing
  csv     volume report: mL per label, tumour burden (tumour / (liver + tumour)) and the version's provenance
The workspace is only read.`;

function parseFormat(v: string | undefined): LabelExportFormat {
  if (!v || !(LABEL_EXPORT_FORMATS as readonly string[]).includes(v)) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `--format must be one of ${LABEL_EXPORT_FORMATS.join(', ')}${v ? `, got '${v}'` : ''}`,
      USAGE,
    );
  }
  return v as LabelExportFormat;
}

export const labelsCommand = defineCommand({
  name: 'labels',
  summary: 'Export a label version as DICOM SEG, .seg.nrrd, NIfTI, STL/OBJ meshes or a volume CSV',
  usage: USAGE,
  options: {
    workspace: { type: 'string', default: '.' },
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    version: { type: 'string' },
    space: { type: 'string' },
    smooth: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: true,
  async run({ values, positionals }) {
    const [sub, caseId, ...extra] = positionals;
    if (sub !== 'export' || !caseId || extra.length > 0)
      throw new LobuleError('E_INVALID_ARGUMENT', 'lobule labels takes: export CASE', USAGE);
    if (!values.out) throw new LobuleError('E_INVALID_ARGUMENT', 'lobule labels export needs -o OUT', USAGE);
    const space = values.space?.toUpperCase();
    if (space !== undefined && space !== 'RAS' && space !== 'LPS')
      throw new LobuleError('E_INVALID_ARGUMENT', `--space must be RAS or LPS, got '${values.space}'`);
    const smoothing = values.smooth === undefined ? 0 : Number(values.smooth);
    if (!Number.isInteger(smoothing) || smoothing < 0 || smoothing > 500)
      throw new LobuleError('E_INVALID_ARGUMENT', `--smooth must be a whole number 0..500, got '${values.smooth}'`);
    const ws = await Workspace.open(values.workspace ?? '.', { readOnly: true });
    try {
      const result = await exportCaseLabels(ws, caseId, {
        format: parseFormat(values.format),
        out: resolve(values.out),
        version: values.version,
        space: space as 'RAS' | 'LPS' | undefined,
        smoothing,
      });
      if (values.json) console.log(JSON.stringify(result, null, 2));
      else {
        for (const f of result.files) console.log(`wrote ${f}`);
        for (const s of result.segments) {
          const mesh = s.meshVolumeMl === undefined ? '' : `, mesh ${s.meshVolumeMl.toFixed(2)} mL`;
          console.log(`  ${s.value} ${s.name}: ${s.voxels} voxels, ${s.volumeMl.toFixed(2)} mL${mesh}`);
        }
        if (result.tumourBurden !== null) console.log(`  tumour burden ${(result.tumourBurden * 100).toFixed(2)} %`);
        for (const n of result.notes) console.error(`note: ${n}`);
      }
      return 0;
    } finally {
      await ws.close();
    }
  },
});

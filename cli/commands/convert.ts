/** `lobule convert`: any volume Lobule reads (DICOM series, NIfTI, NRRD) to NIfTI-1, so other tools can open it. */
import { LobuleError } from '../../engine/errors.js';
import { IMAGE_CHOICE_OPTIONS, defineCommand, parseVolumeIndex } from './options.js';
import { detectFormat, loadVolume } from '../../engine/io/load.js';
import { readDicomSeriesWithReport } from '../../engine/io/dicom/index.js';
import { writeNifti } from '../../engine/io/nifti-write.js';
import { spacingOf } from '../../engine/common/affine.js';
import { orientationCodes } from '../../engine/common/orientation.js';

const USAGE = `Usage: lobule convert IN OUT.nii.gz [--volume N] [--series UID]

Converts an image (DICOM folder or file, .nii/.nii.gz, .nrrd/.nhdr) to NIfTI-1. The voxel type is kept
(e.g. int16 CT, uint8 labels) and the geometry is written as both sform and qform. OUT is written to a temporary
file and renamed, so it is never left half-written.
  --volume N      which volume of a 4-D NIfTI
  --series UID    which series of a DICOM folder with several`;

export const convertCommand = defineCommand({
  name: 'convert',
  summary: 'Convert a DICOM series, NIfTI or NRRD to .nii.gz',
  usage: USAGE,
  options: IMAGE_CHOICE_OPTIONS,
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length !== 2) throw new LobuleError('E_INVALID_ARGUMENT', 'lobule convert takes IN and OUT', USAGE);
    const [input, output] = positionals;
    if (!/\.nii(\.gz)?$/i.test(output))
      throw new LobuleError('E_INVALID_ARGUMENT', `output '${output}' must end in .nii.gz or .nii`, 'Name the output file *.nii.gz');
    const volumeIndex = parseVolumeIndex(values.volume);
    // a DICOM folder also reports what was done to read it (files skipped, tilt corrected, jitter accepted)
    const dicom =
      (await detectFormat(input)) === 'dicom-folder' ? await readDicomSeriesWithReport(input, { seriesUid: values.series }) : null;
    const vol = dicom?.volume ?? (await loadVolume(input, { volumeIndex, seriesUid: values.series }));
    for (const note of dicom?.notes ?? []) console.error(`note: ${note}`);
    await writeNifti(output, vol);
    console.log(
      `wrote ${output}: ${vol.dims.join('×')} ${vol.data.constructor.name.replace('Array', '')}, ${spacingOf(vol.affine)
        .map((s) => +s.toFixed(4))
        .join('×')} mm, ${orientationCodes(vol.affine)}`,
    );
    return 0;
  },
});

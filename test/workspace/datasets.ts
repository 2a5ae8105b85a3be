/** Small MSD and nnU-Net v2 datasets built in a temp folder from ../shared/data files (never copied into the repo). */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedData } from '../helpers/data.js';

export const CT_SM = 'totalsegmentator/example_ct_sm.nii.gz';
export const LIVER_SM = 'totalsegmentator/example_seg_fast/liver.nii.gz';
export const CT = 'totalsegmentator/example_ct.nii.gz';
export const SEG_SPLIT = 'totalsegmentator/example_seg_fast_force_split.nii.gz';

/** An MSD Task folder: two labelled training cases (one with labels on the wrong grid), one test image, macOS junk. */
export async function makeMsdDataset(root: string): Promise<string> {
  const ds = join(root, 'Task03_Liver');
  for (const d of ['imagesTr', 'labelsTr', 'imagesTs']) await mkdir(join(ds, d), { recursive: true });
  await copyFile(sharedData(CT_SM), join(ds, 'imagesTr', 'liver_0.nii.gz'));
  await copyFile(sharedData(LIVER_SM), join(ds, 'labelsTr', 'liver_0.nii.gz'));
  await copyFile(sharedData(CT_SM), join(ds, 'imagesTr', 'liver_3.nii.gz'));
  await copyFile(sharedData(SEG_SPLIT), join(ds, 'labelsTr', 'liver_3.nii.gz')); // 112 slices on a 30-slice image
  await copyFile(sharedData(CT_SM), join(ds, 'imagesTs', 'liver_7.nii.gz'));
  await writeFile(join(ds, 'imagesTr', '._liver_0.nii.gz'), 'AppleDouble junk');
  await writeFile(
    join(ds, 'dataset.json'),
    JSON.stringify({
      name: 'Liver',
      tensorImageSize: '3D',
      modality: { 0: 'CT' },
      labels: { 0: 'background', 1: 'liver', 2: 'cancer' },
      numTraining: 2,
      numTest: 1,
      training: [
        { image: './imagesTr/liver_0.nii.gz', label: './labelsTr/liver_0.nii.gz' },
        { image: './imagesTr/liver_3.nii.gz', label: './labelsTr/liver_3.nii.gz' },
      ],
      test: ['./imagesTs/liver_7.nii.gz'],
    }),
  );
  return ds;
}

/** An nnU-Net v2 raw dataset with TotalSegmentator's multi-class labels (liver = 5). */
export async function makeNnunetDataset(root: string): Promise<string> {
  const ds = join(root, 'Dataset501_TS');
  for (const d of ['imagesTr', 'labelsTr']) await mkdir(join(ds, d), { recursive: true });
  await copyFile(sharedData(CT), join(ds, 'imagesTr', 'ts_001_0000.nii.gz'));
  await copyFile(sharedData(SEG_SPLIT), join(ds, 'labelsTr', 'ts_001.nii.gz'));
  await writeFile(
    join(ds, 'dataset.json'),
    JSON.stringify({ channel_names: { 0: 'CT' }, labels: { background: 0, spleen: 1, liver: 5 }, numTraining: 1, file_ending: '.nii.gz' }),
  );
  return ds;
}

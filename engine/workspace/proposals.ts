/**
 * Model proposals: what auto-segment produced for a case, kept beside the labels until the user accepts it (it
 * becomes a label version) or discards it. A proposal is never a version and never changes the case's status, so
 * running a model can not silently replace curated labels. Stored as `proposals/<case>.nii.gz` plus
 * `proposals/<case>.json` (written after the labels, so a proposal with metadata always has its voxels).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { LobuleError } from '../errors.js';
import type { LabelVolume } from '../common/volume.js';
import { writeNifti } from '../io/nifti-write.js';
import { readLabelFile, voxelCountsOf } from './labels.js';
import { caseSidecarStore } from './sidecar-json.js';

export const PROPOSALS_FOLDER = 'proposals';

const proposalSchema = z.object({
  caseId: z.string(),
  /** `model:<id>@<version>`: what the accepted version's source will say. */
  source: z.string().regex(/^model:[^@\s]+@[^@\s]+$/),
  createdAt: z.string(),
  /** The latest label version when the model ran (null: the case had none). */
  baseVersion: z.string().nullable(),
  voxelCounts: z.record(z.string(), z.number().int().nonnegative()),
});
export type Proposal = z.infer<typeof proposalSchema>;

const store = caseSidecarStore({
  paths: (dir, caseId) => ({ data: join(dir, PROPOSALS_FOLDER, `${caseId}.nii.gz`), meta: join(dir, PROPOSALS_FOLDER, `${caseId}.json`) }),
  schema: proposalSchema,
  damaged: (caseId) =>
    new LobuleError('E_CORRUPT', `the auto-segment proposal of case ${caseId} is damaged`, 'Discard it and run the model again'),
});

/** Stores (replacing any earlier one) the proposal of a case. */
export async function writeProposal(
  dir: string,
  labels: LabelVolume,
  meta: Omit<Proposal, 'voxelCounts' | 'createdAt'>,
): Promise<Proposal> {
  const proposal: Proposal = { ...meta, createdAt: new Date().toISOString(), voxelCounts: voxelCountsOf(labels) };
  await store.write(dir, meta.caseId, proposal, (path) => writeNifti(path, labels));
  return proposal;
}

/** The proposal of a case, or null. @throws LobuleError E_CORRUPT when its metadata is damaged. */
export const readProposal: (dir: string, caseId: string) => Promise<Proposal | null> = store.read;

export async function readProposalLabels(dir: string, caseId: string): Promise<LabelVolume> {
  if (!(await readProposal(dir, caseId))) {
    throw new LobuleError('E_NOT_FOUND', `case ${caseId} has no auto-segment proposal`, 'Run auto-segment on it first');
  }
  return readLabelFile(store.paths(dir, caseId).data);
}

export const removeProposal: (dir: string, caseId: string) => Promise<void> = store.remove;

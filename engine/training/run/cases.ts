/**
 * The cases a run reads, from the workspace: verified (or the workspace's training statuses) train and val
 * cases only, through `Workspace.trainingCases`, which never returns test cases. The workspace is opened
 * read-only: a run never changes the manifest, so a crashed run cannot damage the workspace.
 */
import { LobuleError } from '../../errors.js';
import { Workspace } from '../../workspace/workspace.js';
import type { CaseRecord, CaseStatus } from '../../workspace/manifest.js';
import type { TrainCase } from './stage-data.js';

function toTrainCase(ws: Workspace, c: CaseRecord): TrainCase {
  const latest = c.labels[c.labels.length - 1];
  return {
    id: c.id,
    imagePath: ws.imagePath(c.id),
    labelPath: ws.labelPath(c.id),
    labelSha256: latest.sha256,
    labelVersion: latest.id,
    origin: c.origin,
    readImage: () => ws.readImage(c.id),
    readLabel: () => ws.readLabel(c.id, latest.id),
  };
}

export interface WorkspaceCases {
  readonly workspace: Workspace;
  readonly train: TrainCase[];
  readonly val: TrainCase[];
}

/** @throws LobuleError E_WORKSPACE when there is no training case, naming how to get one. */
export async function workspaceCases(dir: string, statuses?: readonly CaseStatus[]): Promise<WorkspaceCases> {
  const workspace = await Workspace.open(dir, { readOnly: true });
  const { train, val } = workspace.trainingCases({ statuses });
  if (train.length === 0) {
    const wanted = statuses ?? workspace.status().trainingStatuses;
    await workspace.close();
    throw new LobuleError(
      'E_WORKSPACE',
      `workspace ${dir} has no labelled train case with status ${wanted.join(' or ')}`,
      'Mark corrected cases verified and assign them to the train split (`lobule workspace split`), then train again',
    );
  }
  return { workspace, train: train.map((c) => toTrainCase(workspace, c)), val: val.map((c) => toTrainCase(workspace, c)) };
}

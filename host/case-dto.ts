/** Workspace records as the contract's DTOs (ids, never paths, cross the boundary). */
import { basename } from 'node:path';
import type { CaseSummary, LabelVersion } from '../engine/api/contract.js';
import type { CaseRecord, LabelVersion as WsLabelVersion } from '../engine/workspace/manifest.js';

export function toContractVersion(caseId: string, v: WsLabelVersion): LabelVersion {
  return { id: v.id, caseId, parent: v.parent, author: v.author, source: v.source, createdAt: v.time, sha256: v.sha256, voxelCounts: { ...v.voxelCounts } };
}

export function toCaseSummary(c: CaseRecord): CaseSummary {
  const g = c.geometry.dims;
  return {
    id: c.id,
    name: basename(c.origin) || c.id,
    status: c.status,
    split: c.split,
    locked: c.testLocked,
    labelVersionCount: c.labels.length,
    latestLabelVersion: c.labels.at(-1)?.id ?? null,
    dims: [g[0], g[1], g[2]],
  };
}

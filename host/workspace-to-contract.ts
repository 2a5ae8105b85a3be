/** Workspace records mapped to the contract's DTOs (engine/api/dtos.ts): ids, never paths, cross the boundary. */
import { basename } from 'node:path';
import type { CaseSummary, LabelVersion, TrashEntry } from '../engine/api/contract.js';
import { voxelVolumeMm3 } from '../engine/common/voxel-volume.js';
import type { CaseRecord, LabelVersion as WsLabelVersion, TrashedCase } from '../engine/workspace/manifest.js';
import { isUploadOrigin } from '../engine/workspace/upload-origin.js';

/**
 * A version as the contract's DTO, with its label volumes in mL (`mm3`: one voxel's volume, from the case's
 * affine). `unchanged` is passed on when the workspace returned it (a save that wrote nothing).
 */
export function toContractVersion(caseId: string, v: WsLabelVersion & { readonly unchanged?: boolean }, mm3: number): LabelVersion {
  const volumesMl = Object.fromEntries(
    Object.entries(v.voxelCounts)
      .filter(([k]) => k !== '0')
      .map(([k, n]) => [k, (n * mm3) / 1000]),
  );
  return {
    id: v.id,
    caseId,
    parent: v.parent,
    author: v.author,
    source: v.source,
    createdAt: v.time,
    sha256: v.sha256,
    voxelCounts: { ...v.voxelCounts },
    volumesMl,
    ...(v.revertOf ? { revertOf: v.revertOf } : {}),
    ...(v.unchanged !== undefined ? { unchanged: v.unchanged } : {}),
  };
}

/** One voxel's volume (mm³) of a case, for toContractVersion. */
export function caseVoxelMm3(c: CaseRecord): number {
  return voxelVolumeMm3(c.geometry.affine);
}

/** An uploaded case's origin ('upload: …', upload-origin.ts) is no path: its id, made from what was uploaded, names it. */
export function caseName(c: CaseRecord): string {
  return c.name ?? ((!isUploadOrigin(c.origin) && basename(c.origin)) || c.id);
}

export function toCaseSummary(c: CaseRecord): CaseSummary {
  const g = c.geometry.dims;
  return {
    id: c.id,
    name: caseName(c),
    status: c.status,
    split: c.split,
    locked: c.testLocked,
    labelVersionCount: c.labels.length,
    latestLabelVersion: c.labels.at(-1)?.id ?? null,
    labelValues: Object.entries(c.labels.at(-1)?.voxelCounts ?? {})
      .filter(([v, n]) => v !== '0' && n > 0)
      .map(([v]) => Number(v))
      .sort((a, b) => a - b),
    dims: [g[0], g[1], g[2]],
  };
}

export function toTrashEntry(t: TrashedCase): TrashEntry {
  return { caseId: t.case.id, name: caseName(t.case), deletedAt: t.deletedAt, labelVersionCount: t.case.labels.length };
}

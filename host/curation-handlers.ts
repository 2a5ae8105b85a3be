/**
 * The handlers of the curation methods (label history compare and revert, auto-segment proposals, workspace label
 * names, case rename and trash, recent workspaces), kept out of service.ts so that file stays the wiring. Every
 * change emits workspace.didChange so open pages re-read what they show.
 */
import { resolve } from 'node:path';
import type { EventMap } from '../engine/api/contract.js';
import type { Workspace } from '../engine/workspace/workspace.js';
import { caseVoxelMm3, toCaseSummary, toContractVersion, toTrashEntry } from './workspace-to-contract.js';
import type { HostHandlers } from './service.js';
import { recentWorkspaces } from './user-config.js';
import { isWorkspaceDir, wasCreatedByDefault } from './open-workspace.js';
import { volumeBytes } from './volume-meta.js';

export type CurationMethod =
  | 'workspace.recent'
  | 'workspace.labels'
  | 'workspace.addLabel'
  | 'workspace.updateLabel'
  | 'workspace.labelUsage'
  | 'workspace.removeLabel'
  | 'workspace.renameCase'
  | 'workspace.deleteCase'
  | 'workspace.restoreCase'
  | 'workspace.trash'
  | 'workspace.emptyTrash'
  | 'labels.compare'
  | 'labels.revert'
  | 'labels.proposal'
  | 'labels.proposalBytes'
  | 'labels.acceptProposal'
  | 'labels.discardProposal'
  | 'labels.probabilities'
  | 'labels.probabilityBytes'
  | 'labels.importFile';

type Changed = (what: EventMap['workspace.didChange']['what'], caseIds?: readonly string[]) => void;

export function curationHandlers(ws: () => Workspace, changed: Changed): Pick<HostHandlers, CurationMethod> {
  const version = (caseId: string, v: Parameters<typeof toContractVersion>[1]) =>
    toContractVersion(caseId, v, caseVoxelMm3(ws().getCase(caseId)));
  return {
    'workspace.recent': async () => {
      const current = ws().dir;
      // Folders moved or deleted since are left out (the list is a convenience, never an error).
      const recent = (await recentWorkspaces()).filter((e) => resolve(e.path) !== current && isWorkspaceDir(e.path));
      return { current, createdByDefault: wasCreatedByDefault(current), recent };
    },
    'workspace.labels': async () => ws().labelNames(),
    'workspace.addLabel': async ({ name, color }) => {
      const l = await ws().addLabelName(name, color);
      changed('workspace');
      return l;
    },
    'workspace.updateLabel': async ({ value, name, color }) => {
      if (name !== undefined) await ws().renameLabelName(value, name);
      // Without a name, recolorLabel alone also checks that the label exists; with neither, recolour to itself.
      const current = ws()
        .labelNames()
        .find((x) => x.value === value);
      const l = color !== undefined || !current ? await ws().recolorLabel(value, color ?? '#000000') : current;
      changed('workspace');
      return l;
    },
    'workspace.labelUsage': async ({ value }) => ws().labelUsage(value),
    'workspace.removeLabel': async ({ value, confirmVoxels }) => {
      const u = await ws().removeLabelName(value, confirmVoxels);
      changed('workspace');
      return u;
    },
    'workspace.renameCase': async ({ caseId, name }) => {
      const c = await ws().renameCase(caseId, name);
      changed('cases', [caseId]);
      return toCaseSummary(c);
    },
    'workspace.deleteCase': async ({ caseId, unlockTest }) => {
      await ws().deleteCase(caseId, { unlockTest });
      changed('cases', [caseId]);
      return null;
    },
    'workspace.restoreCase': async ({ caseId }) => {
      const c = await ws().restoreCase(caseId);
      changed('cases', [caseId]);
      return toCaseSummary(c);
    },
    'workspace.trash': async () => ws().trash().map(toTrashEntry).reverse(),
    'workspace.emptyTrash': async () => ({ deleted: await ws().emptyTrash() }),
    'labels.compare': async ({ caseId, before, after }) => ws().compareLabels(caseId, before, after),
    'labels.revert': async ({ caseId, version: id }) => {
      const v = await ws().revertLabel(caseId, id);
      if (!v.unchanged) changed('labels', [caseId]);
      return version(caseId, v);
    },
    'labels.proposal': async ({ caseId }) => ws().proposal(caseId),
    'labels.proposalBytes': async ({ caseId }) => volumeBytes(await ws().readProposalLabels(caseId)),
    'labels.acceptProposal': async ({ caseId }) => {
      const v = await ws().acceptProposal(caseId);
      changed('labels', [caseId]);
      return version(caseId, v);
    },
    'labels.discardProposal': async ({ caseId }) => {
      await ws().discardProposal(caseId);
      changed('labels', [caseId]);
      return null;
    },
    'labels.probabilities': async ({ caseId }) => ws().probabilities(caseId),
    'labels.probabilityBytes': async ({ caseId }) => ws().readProbabilityBytes(caseId),
    'labels.importFile': async ({ caseId, path }) => {
      const v = await ws().importLabel(caseId, path);
      if (!v.unchanged) changed('labels', [caseId]);
      return version(caseId, v);
    },
  };
}

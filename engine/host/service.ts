/**
 * The engine side of the contract: one object with a handler per method (`HostHandlers`), over an open
 * Workspace, the model store and the job runner. Both bindings (http-server.ts, ipc-handlers.ts) call these
 * handlers only through dispatch.ts, which validates params first, so handlers receive valid params.
 *
 * The host is the workspace's only writer: jobs run in child processes that read, and their results are
 * written here (finalize), so one lock and one manifest queue cover every change.
 */
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import { platform } from 'node:os';
import { LobuleError } from '../errors.js';
import type {
  BinaryReadMethod, CaseSummary, EventMap, EventName, EvaluateParams, HostInfo, JobKind, JobResult, LabelVersion, MethodName,
  Params, Result, SegmentParams, SplitSummary, TrainParams,
} from '../api/contract.js';
import { lobuleVersion } from '../paths.js';
import { makeVolume, type Volume } from '../volume/volume.js';
import type { Workspace } from '../workspace/workspace.js';
import type { CaseRecord, LabelVersion as WsLabelVersion } from '../workspace/manifest.js';
import { importPaths } from '../workspace/importer.js';
import { ModelsStore } from './models.js';
import { JobRunner } from './jobs/runner.js';
import type { JobContext } from './jobs/protocol.js';
import type { SegmentJobValue } from './jobs/segment-job.js';
import type { EvaluateJobValue } from './jobs/evaluate-job.js';
import type { TrainJobValue } from './jobs/train-job.js';
import { volumeBytes, volumeMeta } from './volume-meta.js';

/** Host-side result of a method: binary reads hand back a view of the bytes (no copy) instead of an ArrayBuffer. */
export type HostResult<M extends MethodName> = M extends BinaryReadMethod ? Uint8Array : Result<M>;
export type HostHandlers = { readonly [M in MethodName]: (params: Params<M>) => Promise<HostResult<M>> };

export interface ServiceOptions {
  readonly host: HostInfo['host'];
  /** Native dialogs (Electron); absent: dialogs.pick answers E_UNSUPPORTED. */
  readonly pickPaths?: (purpose: Params<'dialogs.pick'>['purpose']) => Promise<string[]>;
  /** Grace period for cancelled jobs before their process is killed (ms). */
  readonly cancelGraceMs?: number;
}

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

/** Small cache of decoded volumes: the viewer asks for meta and then the bytes of the same volume. */
class VolumeCache {
  private readonly entries = new Map<string, Promise<Volume>>();
  constructor(private readonly size = 3) {}
  get(key: string, load: () => Promise<Volume>): Promise<Volume> {
    let hit = this.entries.get(key);
    if (hit) this.entries.delete(key);
    else hit = load();
    this.entries.set(key, hit);
    hit.catch(() => this.entries.delete(key));
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
    return hit;
  }
}

export class LobuleService {
  readonly events = new EventEmitter();
  readonly models: ModelsStore;
  readonly jobs: JobRunner;
  readonly handlers: HostHandlers;
  private readonly volumes = new VolumeCache();

  constructor(readonly workspace: Workspace, private readonly options: ServiceOptions) {
    this.models = new ModelsStore(workspace.modelsDir());
    this.jobs = new JobRunner({
      prepare: (kind, params) => this.prepareJob(kind, params),
      finalize: (kind, params, value) => this.finalizeJob(kind, params, value),
      emit: (event, payload) => this.emit(event, payload),
      cancelGraceMs: options.cancelGraceMs,
    });
    this.handlers = this.makeHandlers();
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.events.emit('event', event, payload);
  }

  /** Subscribes to every host event; returns the unsubscribe function. */
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    this.events.on('event', listener);
    return () => void this.events.off('event', listener);
  }

  async close(): Promise<void> {
    await this.jobs.close();
  }

  private splitSummary(): SplitSummary {
    const s = this.workspace.status();
    return { train: s.bySplit.train, val: s.bySplit.val, test: s.bySplit.test, unassigned: s.bySplit.unassigned, testLocked: s.lockedTestCases > 0 };
  }

  private image(caseId: string): Promise<Volume> {
    this.workspace.getCase(caseId);
    return this.volumes.get(`image:${caseId}`, () => this.workspace.readImage(caseId));
  }

  private label(caseId: string, version: string | undefined): Promise<{ vol: Volume; version: string }> {
    const id = version ?? this.workspace.getCase(caseId).labels.at(-1)?.id;
    if (!id) return Promise.reject(new LobuleError('E_NOT_FOUND', `case ${caseId} has no labels yet`, 'Run a model on it or draw and save labels first'));
    this.workspace.labelPath(caseId, id);
    return this.volumes.get(`label:${caseId}:${id}`, () => this.workspace.readLabel(caseId, id)).then((vol) => ({ vol, version: id }));
  }

  private async journalEntry(caseId: string) {
    return this.workspace.readJournal(caseId);
  }

  private makeHandlers(): HostHandlers {
    const ws = this.workspace;
    const changed = (what: EventMap['workspace.didChange']['what'], caseIds?: readonly string[]) => this.emit('workspace.didChange', { what, caseIds });
    return {
      'host.info': async () => ({ host: this.options.host, version: lobuleVersion(), platform: platform(), nativeDialogs: !!this.options.pickPaths }),
      'dialogs.pick': async ({ purpose }) => {
        if (!this.options.pickPaths) throw new LobuleError('E_UNSUPPORTED', 'native file dialogs exist only in the Lobule desktop app', 'Type the path of the file or folder on the server instead');
        return { paths: await this.options.pickPaths(purpose) };
      },
      'workspace.info': async () => {
        const s = ws.status();
        return { name: basename(ws.dir), root: ws.dir, caseCount: s.cases, activeModel: await this.models.activeId(), lastOpenCase: ws.lastOpenCase(), testSplitLocked: s.lockedTestCases > 0 };
      },
      'workspace.status': async () => {
        const s = ws.status();
        return { caseCount: s.cases, byStatus: { ...s.byStatus }, bySplit: { ...s.bySplit }, testSplitLocked: s.lockedTestCases > 0 };
      },
      'workspace.cases': async () => ws.cases().map(toCaseSummary),
      'workspace.importPaths': async ({ paths, layout, labelMap }) => {
        const map = labelMap ? new Map(Object.entries(labelMap).map(([k, v]) => [Number(k), v] as [number, number])) : undefined;
        const report = await importPaths(ws, paths, { format: layout === 'files' || !layout ? 'auto' : layout, labelMap: map });
        const imported = report.imported.map((c) => c.caseId);
        changed('cases', imported);
        return { imported, skipped: report.skipped.map((s) => ({ path: s.path, reason: s.reason })) };
      },
      'workspace.makeSplit': async ({ val, test, seed, lockTest }) => {
        await ws.makeSplit({ val, test, seed, lockTest });
        changed('split');
        return this.splitSummary();
      },
      'workspace.setSplit': async ({ caseIds, split }) => {
        for (const id of caseIds) ws.getCase(id);
        for (const id of caseIds) await ws.setSplit(id, split);
        changed('split', caseIds);
        return this.splitSummary();
      },
      'workspace.setStatus': async ({ caseId, status }) => {
        await ws.setStatus(caseId, status);
        changed('status', [caseId]);
        return toCaseSummary(ws.getCase(caseId));
      },
      'workspace.setLastOpenCase': async ({ caseId }) => {
        await ws.setLastOpenCase(caseId);
        return null;
      },
      'volumes.imageMeta': async ({ caseId }) => volumeMeta(await this.image(caseId), caseId, 'image', null),
      'volumes.labelMeta': async ({ caseId, version }) => {
        const l = await this.label(caseId, version);
        return volumeMeta(l.vol, caseId, 'label', l.version);
      },
      'volumes.imageBytes': async ({ caseId }) => volumeBytes(await this.image(caseId)),
      'volumes.labelBytes': async ({ caseId, version }) => volumeBytes((await this.label(caseId, version)).vol),
      'labels.history': async ({ caseId }) => ws.labelHistory(caseId).map((v) => toContractVersion(caseId, v)),
      'labels.save': async ({ caseId, parent, data, source }) => {
        const v = await ws.saveLabel(caseId, data, { source: (source ?? 'manual') as 'manual', parent });
        await ws.clearJournal(caseId);
        changed('labels', [caseId]);
        return toContractVersion(caseId, v);
      },
      'labels.writeJournal': async ({ caseId, baseVersion, data }) => {
        await ws.writeJournal(caseId, data, { baseVersion });
        const savedAt = new Date().toISOString();
        return { caseId, baseVersion, savedAt, byteLength: data.byteLength };
      },
      'labels.journalInfo': async ({ caseId }) => {
        const j = await this.journalEntry(caseId);
        if (!j) return null;
        const base = j.meta.baseVersion;
        return { caseId, baseVersion: typeof base === 'string' ? base : null, savedAt: j.savedAt, byteLength: j.bytes.byteLength };
      },
      'labels.journalBytes': async ({ caseId }) => {
        const j = await this.journalEntry(caseId);
        if (!j) throw new LobuleError('E_NOT_FOUND', `case ${caseId} has no autosaved edits`, 'Nothing to recover');
        return j.bytes;
      },
      'labels.clearJournal': async ({ caseId }) => {
        ws.getCase(caseId);
        await ws.clearJournal(caseId);
        return null;
      },
      'models.list': async () => this.models.list(),
      'models.import': async ({ path }) => {
        const m = await this.models.import(path);
        changed('models');
        return m;
      },
      'models.export': async ({ modelId, path }) => {
        await this.models.export(modelId, path);
        return null;
      },
      'models.setActive': async ({ modelId }) => {
        const m = await this.models.setActive(modelId);
        changed('models');
        return m;
      },
      'jobs.segment': async (p) => {
        ws.getCase(p.caseId);
        return this.jobs.start('segment', p);
      },
      'jobs.train': async (p) => this.jobs.start('train', p),
      'jobs.evaluate': async (p) => this.jobs.start('evaluate', p),
      'jobs.list': async () => this.jobs.list(),
      'jobs.get': async ({ jobId }) => this.jobs.get(jobId),
      'jobs.cancel': async ({ jobId }) => this.jobs.cancel(jobId),
    };
  }

  private async modelDirFor(modelId: string | undefined): Promise<string | null> {
    if (modelId) return this.models.dirOf(modelId);
    const active = await this.models.activeId();
    if (active) return this.models.dirOf(active).catch(() => null);
    return null;
  }

  private async prepareJob(kind: JobKind, raw: unknown): Promise<JobContext> {
    const ws = this.workspace;
    const cases = ws.cases();
    const images: Record<string, string> = {};
    const labels: Record<string, string> = {};
    const wanted = kind === 'segment' ? [(raw as SegmentParams).caseId] : kind === 'evaluate' ? ws.splitCases((raw as EvaluateParams).split).map((c) => c.id) : [];
    for (const id of wanted) {
      images[id] = ws.imagePath(id);
      if (ws.getCase(id).labels.length > 0) labels[id] = ws.labelPath(id);
    }
    const modelId = kind === 'train' ? (raw as TrainParams).fromModel : (raw as SegmentParams | EvaluateParams).modelId;
    const ids = (s: string) => cases.filter((c) => c.split === s).map((c) => c.id);
    return {
      workspaceDir: ws.dir,
      modelSearchDirs: this.models.searchDirs(),
      modelDir: await this.modelDirFor(modelId),
      images,
      labels,
      splits: { train: ids('train'), val: ids('val'), test: ids('test') },
    };
  }

  private async finalizeJob(kind: JobKind, raw: unknown, value: unknown): Promise<JobResult> {
    if (kind === 'segment') {
      const v = value as SegmentJobValue;
      const source = `model:${safe(v.modelName)}@${safe(v.modelVersion)}` as const;
      const saved = await this.workspace.saveLabel(v.caseId, makeVolume(v.labels, v.dims, v.affine), { source });
      this.emit('workspace.didChange', { what: 'labels', caseIds: [v.caseId] });
      return { kind: 'segment', caseId: v.caseId, version: toContractVersion(v.caseId, saved) };
    }
    if (kind === 'evaluate') {
      const v = value as EvaluateJobValue;
      const sums: Record<string, number> = {};
      for (const c of v.cases) for (const [k, d] of Object.entries(c.dice)) sums[k] = (sums[k] ?? 0) + d;
      const meanDice = Object.fromEntries(Object.entries(sums).map(([k, s]) => [k, s / v.cases.length]));
      return { kind: 'evaluate', modelId: v.modelName, split: (raw as EvaluateParams).split, cases: v.cases, meanDice };
    }
    const v = value as TrainJobValue;
    this.emit('workspace.didChange', { what: 'models' });
    return { kind: 'train', modelId: v.modelDir ? basename(v.modelDir) : (v.modelName ?? ''), bestValDice: v.bestValDice, runId: v.runId };
  }
}

/** Label sources are `model:<id>@<version>` without spaces or '@' inside the parts. */
function safe(s: string): string {
  return s.replace(/[\s@]+/g, '-') || 'model';
}

/**
 * The engine side of the contract: one object with a handler per method (`HostHandlers`), over an open
 * Workspace, the model store and the job runner. Both bindings (http-server.ts, ipc-handlers.ts) call these
 * handlers only through dispatch.ts, which validates params first, so handlers receive valid params.
 *
 * The host is the workspace's only writer: jobs run in child processes that read, and their results are
 * written here (job-hooks.ts), so one lock and one manifest queue cover every change.
 */
import { EventEmitter } from 'node:events';
import { basename, resolve } from 'node:path';
import { platform } from 'node:os';
import { LobuleError } from '../engine/errors.js';
import type {
  BinaryReadMethod,
  EventMap,
  EventName,
  HostInfo,
  JobInfo,
  MethodName,
  Params,
  Result,
  SplitSummary,
  VolumeMeta,
} from '../engine/api/contract.js';
import { lobuleVersion } from '../engine/paths.js';
import type { Volume } from '../engine/common/volume.js';
import { Workspace } from '../engine/workspace/workspace.js';
import { exportCaseLabels } from '../engine/export/export-labels.js';
import { ExclusiveGate } from './gate.js';
import { finalizeImport, prepareImport, removeStaging } from './import-staging.js';
import type { ImportJobValue } from './jobs/import-job.js';
import { openOrCreateWorkspace } from './open-workspace.js';
import { caseVoxelMm3, toCaseSummary, toContractVersion } from './workspace-to-contract.js';
import { curationHandlers, type CurationMethod } from './curation-handlers.js';
import { rememberWorkspace } from './user-config.js';
import { finalizeJobResult, prepareJobContext } from './job-hooks.js';
import { reportHandlers } from './evaluation-hooks.js';
import { JobRunner } from './jobs/runner.js';
import { ModelsStore } from './models.js';
import { volumeBytes, volumeMeta } from './volume-meta.js';

/** Host-side result of a method: binary reads hand back a view of the bytes (no copy) instead of an ArrayBuffer. */
export type HostResult<M extends MethodName> = M extends BinaryReadMethod ? Uint8Array : Result<M>;
export type HostHandlers = { readonly [M in MethodName]: (params: Params<M>) => Promise<HostResult<M>> };
/** The handlers of one namespace ("workspace" → 'workspace.info', 'workspace.status', …). */
type HandlersOf<N extends string> = Pick<HostHandlers, Extract<MethodName, `${N}.${string}`>>;

export interface ServiceOptions {
  readonly host: HostInfo['host'];
  /** Native dialogs (Electron); absent: dialogs.pick answers E_UNSUPPORTED. */
  readonly pickPaths?: (purpose: Params<'dialogs.pick'>['purpose']) => Promise<string[]>;
  /** Grace period for cancelled jobs before their process is killed (ms). */
  readonly cancelGraceMs?: number;
}

/** Small cache of decoded volumes: the viewer asks for the meta and then the bytes of the same volume. */
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

/** Calls that never touch the workspace, or that take the gate exclusively themselves. */
const UNGATED: ReadonlySet<string> = new Set([
  'host.info',
  'dialogs.pick',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'workspace.importPaths',
  'workspace.open',
]);

export class LobuleService {
  readonly jobs: JobRunner;
  private readonly gate = new ExclusiveGate();
  /** The workspace folder each running job was prepared against (its result may only land there). */
  private readonly jobWorkspaces = new Map<string, string>();
  readonly handlers: HostHandlers;
  private readonly events = new EventEmitter();
  private volumes = new VolumeCache();
  private current: Workspace;
  private modelStore: ModelsStore;

  constructor(
    workspace: Workspace,
    private readonly options: ServiceOptions,
  ) {
    this.current = workspace;
    this.modelStore = new ModelsStore(workspace.modelsDir());
    this.jobs = new JobRunner({
      prepare: (kind, params, jobId) =>
        this.gate.shared(async () => {
          this.jobWorkspaces.set(jobId, this.current.dir);
          if (kind === 'import') return prepareImport(this.current, jobId);
          return prepareJobContext(this.current, this.modelStore, kind, params);
        }),
      finalize: (kind, params, value, jobId) =>
        this.gate.shared(async () => {
          const dir = this.jobWorkspaces.get(jobId);
          this.jobWorkspaces.delete(jobId);
          if (dir !== this.current.dir) {
            throw new LobuleError(
              'E_WORKSPACE',
              `another workspace was opened while ${kind} job ${jobId} ran, so its result was not saved`,
              `Open ${dir} again and rerun it`,
            );
          }
          if (kind === 'import') {
            const report = await finalizeImport(this.current, jobId, value as ImportJobValue);
            this.changed('cases', report.imported);
            return report;
          }
          return finalizeJobResult(this.current, kind, params, value, (e, p) => this.emit(e, p));
        }),
      emit: (event, payload) => this.emit(event, payload),
      cancelGraceMs: options.cancelGraceMs,
    });
    const all: HostHandlers = {
      ...this.hostHandlers(),
      ...this.workspaceHandlers(),
      ...this.volumeHandlers(),
      ...this.labelHandlers(),
      ...this.modelHandlers(),
      ...this.jobHandlers(),
      ...curationHandlers(
        () => this.workspace,
        (what, ids) => this.changed(what, ids),
      ),
      ...reportHandlers(() => this.workspace),
    };
    void rememberWorkspace(workspace.dir).catch(() => undefined); // the recent list is a convenience only
    // A cancelled or failed import leaves its staging folder; an imported one's is gone already (finalize).
    this.onEvent((event, info) => {
      const job = info as JobInfo;
      if (event === 'jobs.didChangeState' && job.kind === 'import' && job.finishedAt)
        void removeStaging(this.current, job.id).catch(() => undefined);
    });
    // Every call that touches the workspace waits while an import holds it (see ExclusiveGate).
    const gated = Object.entries(all).map(([name, h]) => [
      name,
      UNGATED.has(name) ? h : (p: never) => this.gate.shared(() => (h as (p: never) => Promise<unknown>)(p)),
    ]);
    this.handlers = Object.freeze(Object.fromEntries(gated) as HostHandlers);
    this.prefetchReopenCase();
  }

  /** The open workspace (workspace.open replaces it; its owner closes the last one). */
  get workspace(): Workspace {
    return this.current;
  }

  get models(): ModelsStore {
    return this.modelStore;
  }

  /**
   * Switches to the workspace in `dir` (created when the folder holds none), then closes the old one (lock
   * released). If the new one cannot be opened, the old one stays open. A job prepared against the old one
   * cannot save into the new one (see finalize).
   */
  private async switchWorkspace(dir: string): Promise<void> {
    if (resolve(dir) === this.current.dir) return;
    const { workspace } = await openOrCreateWorkspace(dir);
    const old = this.current;
    this.current = workspace;
    this.modelStore = new ModelsStore(workspace.modelsDir());
    this.volumes = new VolumeCache();
    await old.close();
    await rememberWorkspace(workspace.dir).catch(() => undefined);
    this.prefetchReopenCase();
  }

  /** WorkspaceInfo.reopenCase: the last open case, else the first of workspace.cases. */
  private reopenCase(): string | null {
    return this.current.lastOpenCase() ?? this.current.cases()[0]?.id ?? null;
  }

  /**
   * Starts decoding the case the app will reopen (its CT and latest labels) while the page boots: inflating a
   * 512×512×300 CT and its labelmap takes ~1 s (plus a scan for the CT's range where a case predates the recorded
   * one), which would otherwise come after the page asks and hold up the bytes already going out. The viewer's
   * own requests then share these reads through the cache; a failure here is only reported when they ask.
   */
  private prefetchReopenCase(): void {
    const caseId = this.reopenCase();
    if (!caseId) return;
    void this.gate
      .shared(async () => {
        // Both inflate in zlib's thread pool at once; the CT first would leave one core idle.
        const hasLabels = this.current.getCase(caseId).labels.length > 0;
        await Promise.all([this.imageMeta(caseId), hasLabels ? this.labelMeta(caseId, undefined) : null]);
      })
      .catch(() => undefined);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.events.emit('event', event, payload);
  }

  /** Subscribes to every host event; returns the unsubscribe function. */
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    this.events.on('event', listener);
    return () => void this.events.off('event', listener);
  }

  /** Cancels running jobs, waits for their processes and for an import in flight (the owner then closes the workspace). */
  async close(): Promise<void> {
    await this.jobs.close();
    await this.gate.exclusive(async () => undefined);
  }

  private changed(what: EventMap['workspace.didChange']['what'], caseIds?: readonly string[]): void {
    this.emit('workspace.didChange', { what, caseIds });
  }

  private splitSummary(): SplitSummary {
    const s = this.workspace.status();
    return {
      train: s.bySplit.train,
      val: s.bySplit.val,
      test: s.bySplit.test,
      unassigned: s.bySplit.unassigned,
      testLocked: s.lockedTestCases > 0,
    };
  }

  private async imageMeta(caseId: string): Promise<VolumeMeta> {
    const c = this.workspace.getCase(caseId);
    return volumeMeta(await this.image(caseId), caseId, 'image', null, { displayWindow: c.displayWindow, range: c.valueRange });
  }

  private async labelMeta(caseId: string, version: string | undefined): Promise<VolumeMeta> {
    const l = await this.label(caseId, version);
    const counts = this.workspace.getCase(caseId).labels.find((v) => v.id === l.version)?.voxelCounts ?? null;
    return volumeMeta(l.vol, caseId, 'label', l.version, { voxelCounts: counts });
  }

  private image(caseId: string): Promise<Volume> {
    this.workspace.getCase(caseId);
    return this.volumes.get(`image:${caseId}`, () => this.workspace.readImage(caseId));
  }

  private async label(caseId: string, version: string | undefined): Promise<{ vol: Volume; version: string }> {
    const id = version ?? this.workspace.getCase(caseId).labels.at(-1)?.id;
    if (!id) throw new LobuleError('E_NOT_FOUND', `case ${caseId} has no labels yet`, 'Run a model on it or draw and save labels first');
    this.workspace.labelPath(caseId, id); // throws E_NOT_FOUND for an unknown version
    return { vol: await this.volumes.get(`label:${caseId}:${id}`, () => this.workspace.readLabel(caseId, id)), version: id };
  }

  private hostHandlers(): HandlersOf<'host' | 'dialogs'> {
    return {
      'host.info': async () => ({
        host: this.options.host,
        version: lobuleVersion(),
        platform: platform(),
        nativeDialogs: !!this.options.pickPaths,
      }),
      'dialogs.pick': async ({ purpose }) => {
        if (!this.options.pickPaths)
          throw new LobuleError(
            'E_UNSUPPORTED',
            'native file dialogs exist only in the Lobule desktop app',
            'Type the path of the file or folder on the server instead',
          );
        return { paths: await this.options.pickPaths(purpose) };
      },
    };
  }

  private workspaceHandlers(): Omit<HandlersOf<'workspace'>, CurationMethod> {
    return {
      'workspace.open': async ({ path }) => {
        // Jobs end first and outside the gate: a finishing job needs the gate to save its result.
        if (resolve(path) !== this.current.dir) await this.jobs.cancelAll();
        await this.gate.exclusive(() => this.switchWorkspace(path));
        this.changed('workspace');
        return this.handlers['workspace.info']({});
      },
      'workspace.info': async () => {
        const ws = this.workspace;
        const s = ws.status();
        return {
          name: basename(ws.dir),
          root: ws.dir,
          caseCount: s.cases,
          activeModel: await this.models.effectiveActiveId(),
          lastOpenCase: ws.lastOpenCase(),
          reopenCase: this.reopenCase(),
          testSplitLocked: s.lockedTestCases > 0,
        };
      },
      'workspace.status': async () => {
        const s = this.workspace.status();
        return { caseCount: s.cases, byStatus: { ...s.byStatus }, bySplit: { ...s.bySplit }, testSplitLocked: s.lockedTestCases > 0 };
      },
      'workspace.cases': async () => this.workspace.cases().map(toCaseSummary),
      // An import job, awaited: the same report as jobs.import's result (ungated, so finalize can take the gate).
      'workspace.importPaths': async (p) => {
        const end = await this.jobs.wait(this.jobs.start('import', p).id);
        if (end.result?.kind !== 'import')
          throw new LobuleError(end.error?.code ?? 'E_JOB_FAILED', end.error?.message ?? 'the import ended without a report');
        const { kind: _, ...report } = end.result;
        return report;
      },
      'workspace.makeSplit': async ({ val, test, seed, lockTest }) => {
        await this.workspace.makeSplit({ val, test, seed, lockTest });
        this.changed('split');
        return this.splitSummary();
      },
      'workspace.setSplit': async ({ caseIds, split }) => {
        const ws = this.workspace;
        // All or nothing: unknown ids and locked test cases fail before anything moves.
        for (const id of caseIds) {
          const c = ws.getCase(id);
          if (c.testLocked && split !== 'test') {
            throw new LobuleError(
              'E_LOCKED',
              `case ${id} is in the locked test split and cannot move`,
              'Leave locked test cases out of the selection',
            );
          }
        }
        for (const id of caseIds) await ws.setSplit(id, split);
        this.changed('split', caseIds);
        return this.splitSummary();
      },
      'workspace.setStatus': async ({ caseId, status }) => {
        await this.workspace.setStatus(caseId, status);
        this.changed('status', [caseId]);
        return toCaseSummary(this.workspace.getCase(caseId));
      },
      'workspace.setLastOpenCase': async ({ caseId }) => {
        await this.workspace.setLastOpenCase(caseId);
        return null;
      },
    };
  }

  private volumeHandlers(): HandlersOf<'volumes'> {
    return {
      'volumes.imageMeta': async ({ caseId }) => this.imageMeta(caseId),
      'volumes.labelMeta': async ({ caseId, version }) => this.labelMeta(caseId, version),
      'volumes.imageBytes': async ({ caseId }) => volumeBytes(await this.image(caseId)),
      'volumes.labelBytes': async ({ caseId, version }) => volumeBytes((await this.label(caseId, version)).vol),
    };
  }

  private labelHandlers(): Omit<HandlersOf<'labels'>, CurationMethod> {
    const ws = () => this.workspace;
    return {
      'labels.history': async ({ caseId }) => {
        const mm3 = caseVoxelMm3(ws().getCase(caseId));
        return ws()
          .labelHistory(caseId)
          .map((v) => toContractVersion(caseId, v, mm3));
      },
      'labels.save': async ({ caseId, parent, data, source }) => {
        // saveLabel clears the journal itself, but only when no autosave arrived after the save began.
        const v = await ws().saveLabel(caseId, data, { source: (source ?? 'manual') as 'manual', parent });
        if (!v.unchanged) this.changed('labels', [caseId]);
        return toContractVersion(caseId, v, caseVoxelMm3(ws().getCase(caseId)));
      },
      'labels.writeJournal': async ({ caseId, baseVersion, data }) => {
        await ws().writeJournal(caseId, data, { baseVersion });
        return { caseId, baseVersion, savedAt: new Date().toISOString(), byteLength: data.byteLength };
      },
      'labels.journalInfo': async ({ caseId }) => {
        const j = await ws().readJournal(caseId);
        if (!j) return null;
        const base = j.meta.baseVersion;
        return { caseId, baseVersion: typeof base === 'string' ? base : null, savedAt: j.savedAt, byteLength: j.bytes.byteLength };
      },
      'labels.journalBytes': async ({ caseId }) => {
        const j = await ws().readJournal(caseId);
        if (!j) throw new LobuleError('E_NOT_FOUND', `case ${caseId} has no autosaved edits`, 'Nothing to recover');
        return j.bytes;
      },
      'labels.clearJournal': async ({ caseId }) => {
        ws().getCase(caseId);
        await ws().clearJournal(caseId);
        return null;
      },
      'labels.export': async ({ caseId, format, path, version, space, smoothing }) =>
        exportCaseLabels(ws(), caseId, { format, out: resolve(path), version, space, smoothing }),
    };
  }

  private modelHandlers(): HandlersOf<'models'> {
    return {
      'models.list': async () => this.models.list(),
      'models.import': async ({ path }) => {
        const m = await this.models.import(path);
        this.changed('models');
        return m;
      },
      'models.export': async ({ modelId, path }) => {
        await this.models.export(modelId, path);
        return null;
      },
      'models.setActive': async ({ modelId, confirmWorse }) => {
        const m = await this.models.setActive(modelId, confirmWorse);
        this.changed('models');
        return m;
      },
      'models.trainPlan': async ({ fromModel }) => this.models.trainPlan(fromModel),
    };
  }

  private jobHandlers(): HandlersOf<'jobs'> {
    return {
      'jobs.segment': async (p) => {
        this.workspace.getCase(p.caseId);
        return this.jobs.start('segment', p);
      },
      'jobs.train': async (p) => this.jobs.start('train', p),
      'jobs.evaluate': async (p) => this.jobs.start('evaluate', p),
      'jobs.import': async (p) => this.jobs.start('import', p),
      'jobs.rank': async (p) => this.jobs.start('rank', p),
      'jobs.list': async () => this.jobs.list(),
      'jobs.get': async ({ jobId }) => this.jobs.get(jobId),
      'jobs.cancel': async ({ jobId }) => this.jobs.cancel(jobId),
    };
  }
}

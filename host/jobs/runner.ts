/**
 * Background jobs: each job runs in its own child process (job-process.ts), so a crash, an out-of-memory abort
 * or a kill becomes the job's error event while the host keeps serving. Child processes rather than worker
 * threads because a native crash (ONNX Runtime) in a worker would take the whole host down.
 *
 * Scheduling: segmentations and evaluations share one lane and run one after another (FIFO); training has its
 * own lane and refuses a second run (E_LOCKED) while one is queued or running.
 *
 * The host stays the only writer of the workspace: a job returns its result value and `finalize` (supplied
 * by the service) turns it into workspace changes, so a cancelled or crashed job leaves no files behind.
 */
import { fileURLToPath } from 'node:url';
import { LobuleError, serializeError } from '../../engine/errors.js';
import type {
  EventMap,
  EventName,
  JobId,
  JobInfo,
  JobKind,
  JobProgress,
  JobResult,
  JobState,
  SerializedError,
} from '../../engine/api/contract.js';
import type { HostToJob, JobContext, JobToHost } from './protocol.js';
import { spawnChild, type ChildLike } from './spawn.js';

const EXT = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
const JOB_ENTRY = fileURLToPath(new URL(`./job-process${EXT}`, import.meta.url));
/** How long a job's process may take to exit after it has sent its outcome. */
const EXIT_GRACE_MS = 500;

export interface JobRunnerOptions {
  /** Resolves ids in the params to paths etc. before the job starts (throws LobuleError for bad ids). */
  readonly prepare: (kind: JobKind, params: unknown, jobId: JobId) => Promise<JobContext>;
  /** Turns a job's returned value into its JobResult, writing the workspace where needed. */
  readonly finalize: (kind: JobKind, params: unknown, value: unknown, jobId: JobId) => Promise<JobResult>;
  readonly emit: <E extends EventName>(event: E, payload: EventMap[E]) => void;
  /** Seconds a cancelled job may take to stop before its process is killed. */
  readonly cancelGraceMs?: number;
  /** V8 heap limit of a job process in MiB (default: Node's). */
  readonly maxOldSpaceMb?: number;
}

interface Job {
  readonly id: JobId;
  readonly kind: JobKind;
  readonly params: JobInfo['params'];
  readonly createdAt: string;
  state: JobState;
  progress: JobProgress;
  startedAt: string | null;
  finishedAt: string | null;
  result: JobResult | null;
  error: SerializedError | null;
  child: ChildLike | null;
  cancelRequested: boolean;
  done: Promise<void>;
  resolveDone: () => void;
}

// Imports have their own lane: one at a time (each stages against the manifest the last one committed), and never
// behind a long segmentation queue.
type Lane = 'inference' | 'train' | 'import';
const laneOf = (kind: JobKind): Lane => (kind === 'train' || kind === 'import' ? kind : 'inference');
const now = (): string => new Date().toISOString();
const MAX_FINISHED_JOBS = 200;
const PROGRESS_STEP = 0.001;

export class JobRunner {
  private readonly jobs = new Map<JobId, Job>();
  private readonly queues: Record<Lane, Job[]> = { inference: [], train: [], import: [] };
  private readonly running: Record<Lane, Job | null> = { inference: null, train: null, import: null };
  private seq = 0;
  private closed = false;

  constructor(private readonly options: JobRunnerOptions) {}

  /** Queues a job; it starts when its lane is free. */
  start(kind: JobKind, params: JobInfo['params']): JobInfo {
    if (this.closed) throw new LobuleError('E_UNSUPPORTED', 'the job runner is shutting down');
    const lane = laneOf(kind);
    if (lane === 'train') {
      const busy = this.running.train ?? this.queues.train[0];
      if (busy)
        throw new LobuleError(
          'E_LOCKED',
          `a training job (${busy.id}) is already ${busy.state}`,
          'Wait for it to finish or cancel it first',
        );
    }
    let resolveDone = (): void => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const job: Job = {
      id: `job-${Date.now().toString(36)}-${(++this.seq).toString(36)}`,
      kind,
      params,
      createdAt: now(),
      state: 'queued',
      progress: { fraction: 0, stage: 'queued' },
      startedAt: null,
      finishedAt: null,
      result: null,
      error: null,
      child: null,
      cancelRequested: false,
      done,
      resolveDone,
    };
    this.jobs.set(job.id, job);
    this.queues[lane].push(job);
    this.changed(job);
    this.pump(lane);
    return this.info(job);
  }

  get(id: JobId): JobInfo {
    return this.info(this.find(id));
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => this.info(j));
  }

  /** Resolves when the job has reached a final state. */
  async wait(id: JobId): Promise<JobInfo> {
    const job = this.find(id);
    await job.done;
    return this.info(job);
  }

  /** The job's process id while it runs (for diagnostics and tests), else null. */
  pidOf(id: JobId): number | null {
    return this.find(id).child?.pid ?? null;
  }

  cancel(id: JobId): JobInfo {
    const job = this.find(id);
    if (job.state === 'queued') {
      const q = this.queues[laneOf(job.kind)];
      q.splice(q.indexOf(job), 1);
      this.finish(job, 'cancelled', null, {
        name: 'LobuleError',
        code: 'E_CANCELLED',
        message: `${job.kind} job ${job.id} was cancelled before it started`,
      });
    } else if (job.state === 'running' && !job.cancelRequested) {
      job.cancelRequested = true;
      const child = job.child;
      if (child?.connected) child.send({ type: 'cancel' } satisfies HostToJob);
      // A job stuck inside native code cannot see its AbortSignal; after the grace period its process goes.
      setTimeout(() => {
        if (job.child === child && child && child.exitCode === null) child.kill('SIGKILL');
      }, this.options.cancelGraceMs ?? 10000).unref();
    }
    return this.info(job);
  }

  /** Cancels every queued and running job and waits until they have ended. */
  async cancelAll(): Promise<void> {
    const active = [...this.jobs.values()].filter((j) => j.state === 'queued' || j.state === 'running');
    for (const j of active) this.cancel(j.id);
    await Promise.all(active.map((j) => j.done));
  }

  /** Cancels everything, waits for the job processes to end and takes no new jobs (server/app shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.cancelAll();
  }

  private find(id: JobId): Job {
    const job = this.jobs.get(id);
    if (!job) throw new LobuleError('E_NOT_FOUND', `no job with id "${id}"`, 'List jobs with jobs.list');
    return job;
  }

  private info(j: Job): JobInfo {
    return {
      id: j.id,
      kind: j.kind,
      state: j.state,
      params: j.params,
      progress: j.progress,
      createdAt: j.createdAt,
      startedAt: j.startedAt,
      finishedAt: j.finishedAt,
      result: j.result,
      error: j.error,
    };
  }

  private changed(job: Job): void {
    this.options.emit('jobs.didChangeState', this.info(job));
  }

  private pump(lane: Lane): void {
    if (this.running[lane] || this.closed) return;
    const job = this.queues[lane].shift();
    if (!job) return;
    this.running[lane] = job;
    void this.execute(job).finally(() => {
      this.running[lane] = null;
      this.pump(lane);
    });
  }

  private async execute(job: Job): Promise<void> {
    job.state = 'running';
    job.startedAt = now();
    job.progress = { fraction: 0, stage: 'starting' };
    this.changed(job);
    let context: JobContext;
    try {
      context = await this.options.prepare(job.kind, job.params, job.id);
    } catch (e) {
      return this.finish(job, 'failed', null, serializeError(e));
    }
    if (job.cancelRequested) {
      return this.finish(job, 'cancelled', null, {
        name: 'LobuleError',
        code: 'E_CANCELLED',
        message: `${job.kind} job ${job.id} was cancelled`,
      });
    }
    const outcome = await this.runChild(job, context);
    if (outcome.kind === 'error') {
      const state = outcome.error.code === 'E_CANCELLED' ? 'cancelled' : 'failed';
      return this.finish(job, state, null, outcome.error);
    }
    if (job.cancelRequested) {
      return this.finish(job, 'cancelled', null, {
        name: 'LobuleError',
        code: 'E_CANCELLED',
        message: `${job.kind} job ${job.id} was cancelled`,
      });
    }
    try {
      this.progress(job, 1, 'saving');
      const result = await this.options.finalize(job.kind, job.params, outcome.value, job.id);
      this.finish(job, 'succeeded', result, null);
    } catch (e) {
      this.finish(job, 'failed', null, serializeError(e));
    }
  }

  private runChild(job: Job, context: JobContext): Promise<{ kind: 'value'; value: unknown } | { kind: 'error'; error: SerializedError }> {
    return new Promise((resolve) => {
      const execArgv = [...process.execArgv];
      if (this.options.maxOldSpaceMb) execArgv.push(`--max-old-space-size=${this.options.maxOldSpaceMb}`);
      // a Node child under Node, an Electron utility process inside the app (its RunAsNode fuse is off)
      const child = spawnChild(JOB_ENTRY, { execArgv, env: process.env, serviceName: `lobule ${job.kind} job` });
      job.child = child;
      let outcome: { kind: 'value'; value: unknown } | { kind: 'error'; error: SerializedError } | null = null;
      // The job has answered: it ends now. Its process only has to exit, which a stopped training step (still
      // computing in ONNX Runtime's threads, where no signal reaches) would delay to the end of that step.
      const settle = (o: NonNullable<typeof outcome>) => {
        outcome = o;
        resolve(o);
        setTimeout(() => {
          if (child.exitCode === null && job.child === child) child.kill('SIGKILL');
        }, EXIT_GRACE_MS).unref();
      };
      child.on('message', (m: JobToHost) => {
        if (m.type === 'ready') {
          child.send({ type: 'start', jobId: job.id, kind: job.kind, params: job.params, context } satisfies HostToJob);
          // A cancel that came while the job was being prepared or forked.
          if (job.cancelRequested) child.send({ type: 'cancel' } satisfies HostToJob);
        } else if (m.type === 'progress') this.progress(job, m.fraction, m.stage);
        else if (m.type === 'metric')
          this.options.emit('jobs.didReportMetric', {
            jobId: job.id,
            step: m.step,
            epoch: m.epoch,
            loss: m.loss,
            lr: m.lr,
            valDice: m.valDice,
          });
        else if (m.type === 'log') process.stderr.write(`[${job.kind} ${job.id}] ${m.line}\n`);
        else if (m.type === 'result') settle({ kind: 'value', value: m.value });
        else if (m.type === 'error') settle({ kind: 'error', error: m.error });
      });
      child.on('error', (e) => {
        outcome ??= { kind: 'error', error: serializeError(e) };
      });
      child.on('exit', (code, signal) => {
        job.child = null;
        if (outcome) return resolve(outcome);
        if (job.cancelRequested)
          return resolve({
            kind: 'error',
            error: { name: 'LobuleError', code: 'E_CANCELLED', message: `${job.kind} job ${job.id} was cancelled` },
          });
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        resolve({
          kind: 'error',
          error: {
            name: 'LobuleError',
            code: 'E_JOB_FAILED',
            message: `${job.kind} job ${job.id}: its process ${how} before finishing`,
            hint:
              'This is often running out of memory; close other programs or use a smaller patch/batch, then start it again. ' +
              'The workspace was not changed',
          },
        });
      });
    });
  }

  private progress(job: Job, fraction: number, stage: string): void {
    // The contract promises a fraction that never decreases within a job, whatever the job reports.
    const f = Math.min(1, Math.max(job.progress.fraction, Number.isFinite(fraction) ? fraction : 0));
    // At most ~1000 events per job: a window-by-window report of a big volume would flood the event stream.
    const small = f - job.progress.fraction < PROGRESS_STEP && f < 1;
    if (stage === job.progress.stage && small) return;
    job.progress = { fraction: f, stage };
    this.options.emit('jobs.didProgress', { jobId: job.id, kind: job.kind, progress: job.progress });
  }

  private finish(job: Job, state: JobState, result: JobResult | null, error: SerializedError | null): void {
    job.state = state;
    job.result = result;
    job.error = error;
    job.finishedAt = now();
    job.child = null;
    this.changed(job);
    job.resolveDone();
    this.forgetOldJobs();
  }

  /** Keeps the job list bounded in a long session: the oldest finished jobs are dropped first. */
  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((j) => j.finishedAt !== null);
    for (const j of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) this.jobs.delete(j.id);
  }
}

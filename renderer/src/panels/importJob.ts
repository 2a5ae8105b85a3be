/**
 * Runs one import as a host job (jobs.import) for the import form: progress as "paths done / total, current name",
 * a cancel, and the report (the job's result) as workspace.importPaths used to answer it.
 */
import type { ImportParams, ImportResult, JobInfo, JobProgress, LobuleApi } from '../../../engine/api/contract.js';
import { watchJob } from '../app/jobWatcher.js';

export interface RunningImport {
  readonly jobId: string;
  /** Resolves with the report; rejects with the job's error (E_CANCELLED after cancel()). */
  readonly done: Promise<ImportResult>;
  cancel(): Promise<void>;
}

export async function startImport(api: LobuleApi, params: ImportParams, onProgress: (p: JobProgress) => void): Promise<RunningImport> {
  return followImport(api, await api.jobs.import(params), onProgress);
}

/** An import job already started (the serve host starts one over uploaded files), followed to its report. */
export function followImport(api: LobuleApi, job: JobInfo, onProgress: (p: JobProgress) => void): RunningImport {
  const done = new Promise<ImportResult>((resolve, reject) => {
    watchJob(api, job, {
      progress: onProgress,
      done: (end) => {
        if (end.state === 'succeeded' && end.result?.kind === 'import') {
          const { kind: _, ...report } = end.result;
          resolve(report);
        } else
          reject(Object.assign(new Error(end.error?.message ?? `the import ${end.state}`), { code: end.error?.code ?? 'E_JOB_FAILED' }));
      },
    });
  });
  return {
    jobId: job.id,
    done,
    cancel: async () => {
      await api.jobs.cancel({ jobId: job.id });
    },
  };
}

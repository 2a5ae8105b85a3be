/**
 * Follows one host job to its end: progress from pushed events, and a slow poll as a safety net (an event can be
 * missed while the event stream reconnects, and a fast job may end before its id is known here).
 */
import type { JobInfo, JobProgress, LobuleApi, TrainMetric } from '../../../engine/api/contract.js';

export interface JobCallbacks {
  progress(progress: JobProgress): void;
  metric?(metric: TrainMetric): void;
  /** Called exactly once with the job in a terminal state. */
  done(job: JobInfo): void;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export function watchJob(api: LobuleApi, job: JobInfo, callbacks: JobCallbacks): () => void {
  let finished = false;
  const finish = (info: JobInfo): void => {
    if (finished) return;
    finished = true;
    stop();
    callbacks.done(info);
  };
  const subs = [
    api.on('jobs.didProgress', (e) => {
      if (e.jobId === job.id && !finished) callbacks.progress(e.progress);
    }),
    api.on('jobs.didChangeState', (info) => {
      if (info.id === job.id && TERMINAL.has(info.state)) finish(info);
    }),
    api.on('jobs.didReportMetric', (m) => {
      if (m.jobId === job.id && !finished) callbacks.metric?.(m);
    }),
  ];
  const timer = setInterval(() => {
    api.jobs.get({ jobId: job.id }).then(
      (info) => {
        if (TERMINAL.has(info.state)) finish(info);
        else if (!finished) callbacks.progress(info.progress);
      },
      () => undefined,
    );
  }, 1500);
  function stop(): void {
    clearInterval(timer);
    for (const s of subs) s.dispose();
  }
  if (TERMINAL.has(job.state)) queueMicrotask(() => finish(job));
  return stop;
}

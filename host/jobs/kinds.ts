/**
 * The registry of job kinds: kind → module that exports `run` (a JobFunction). Loaded lazily inside the job
 * process, so a job loads only the engine modules it needs (training pulls in much more than segmentation).
 */
import { LobuleError } from '../../engine/errors.js';
import type { JobKind } from '../../engine/api/contract.js';
import type { JobFunction } from './protocol.js';

/** Job modules carry this module's own extension: `.ts` under tsx (tests), `.js` from dist/. */
const EXT = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';

const MODULES: Readonly<Record<JobKind, string>> = {
  segment: `./segment-job${EXT}`,
  train: `./train-job${EXT}`,
  evaluate: `./evaluate-job${EXT}`,
  rank: `./rank-job${EXT}`,
  import: `./import-job${EXT}`,
};

export async function loadJobFunction(kind: JobKind): Promise<JobFunction> {
  const spec = MODULES[kind];
  if (!spec) throw new LobuleError('E_UNSUPPORTED', `unknown job kind "${kind}"`, `Use one of ${Object.keys(MODULES).join(', ')}`);
  const mod = (await import(new URL(spec, import.meta.url).href)) as { run?: JobFunction };
  if (typeof mod.run !== 'function') throw new LobuleError('E_INTERNAL', `job module ${spec} has no run()`);
  return mod.run;
}

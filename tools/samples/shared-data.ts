/** Paths into the shared real-data corpus (../shared/data beside the checkout; see its PROVENANCE.md). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

export const SHARED_DATA = join(packageRoot(), '..', 'shared', 'data');

export function sharedData(relative: string): string {
  const p = join(SHARED_DATA, relative);
  if (!existsSync(p)) throw new Error(`test data missing: ${p} (the tests read ../shared/data beside the checkout)`);
  return p;
}

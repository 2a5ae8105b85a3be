/**
 * Which model runs when none is named, the same for the app's jobs and for `lobule segment`: the one the user set
 * active in the workspace (models/active.json), else the bundled model, else the first installed. A model that a
 * training run just wrote is offered, never made the default by itself.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { bundledModelsDir } from '../paths.js';

export const ACTIVE_MODEL_FILE = 'active.json';

/** The model id (package folder name) set active in a models folder, or null when none was set. */
export async function readActiveModelId(modelsDir: string): Promise<string | null> {
  try {
    const parsed = JSON.parse(await readFile(join(modelsDir, ACTIVE_MODEL_FILE), 'utf8')) as { model?: unknown };
    return typeof parsed.model === 'string' ? parsed.model : null;
  } catch {
    return null;
  }
}

/** The default among installed models (in search order), given the id the user set active, if any. */
export function pickDefaultModel<T extends { readonly dir: string }>(models: readonly T[], activeId: string | null): T | undefined {
  const chosen = activeId === null ? undefined : models.find((m) => basename(m.dir) === activeId);
  const bundled = resolve(bundledModelsDir()) + sep;
  return chosen ?? models.find((m) => resolve(m.dir).startsWith(bundled)) ?? models[0];
}

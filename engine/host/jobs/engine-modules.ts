/**
 * Loads engine modules that jobs need but that land separately (inference, training). A module that is not
 * there yet makes the job fail with E_UNSUPPORTED naming it, instead of breaking the host's build or start.
 * Specifiers are written without extension and get this module's own (`.ts` under tsx, `.js` in dist/).
 */
import { LobuleError } from '../../errors.js';

export const MODULE_EXT = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';

/** @param relPath path relative to engine/, without extension, e.g. "inference/segment". */
export async function engineModule<T>(relPath: string, what: string): Promise<T> {
  const url = new URL(`../../${relPath}${MODULE_EXT}`, import.meta.url);
  try {
    return (await import(url.href)) as T;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(relPath)) {
      throw new LobuleError('E_UNSUPPORTED', `${what} is not available in this build (engine/${relPath} is missing)`, 'Update Lobule to a build that includes it');
    }
    throw e;
  }
}

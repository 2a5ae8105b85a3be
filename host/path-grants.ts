/**
 * Which host paths the Electron renderer may name. Files enter the app only through the open dialog or
 * drag-and-drop: the main process grants the paths the dialog returned, and the preload grants the path of a
 * File the user dropped (Electron's webUtils resolves only real dropped/picked File objects, so a page cannot
 * forge one). The IPC binding then refuses import/export paths outside the grants. The serve binding has no
 * grants: there the token holder types paths on the server, as on its command line.
 */
import { isAbsolute, relative, resolve } from 'node:path';

export class PathGrants {
  private readonly roots = new Set<string>();

  grant(path: string): void {
    if (typeof path === 'string' && path.length > 0 && isAbsolute(path)) this.roots.add(resolve(path));
  }

  /** True for a granted path or anything inside a granted folder. */
  allows(path: string): boolean {
    if (typeof path !== 'string' || !isAbsolute(path)) return false;
    const p = resolve(path);
    for (const root of this.roots) {
      const rel = relative(root, p);
      if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return true;
    }
    return false;
  }
}

/** The host paths a call names, for the methods that take any. */
export function pathsOfCall(method: string, params: unknown): string[] | null {
  const p = (params ?? {}) as { paths?: unknown; path?: unknown };
  if (method === 'workspace.importPaths' || method === 'jobs.import') return Array.isArray(p.paths) ? p.paths.map(String) : [];
  if (method === 'models.import' || method === 'models.export' || method === 'workspace.open' || method === 'labels.importFile')
    return [String(p.path ?? '')];
  return null;
}

/** The channel on which the preload grants a dropped file's path (outside the `lobule:<ns>.<method>` space). */
export const GRANT_DROPPED_CHANNEL = 'lobule-grant:dropped-path';

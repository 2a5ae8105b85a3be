/**
 * Which workspace a host opens when none is named: the current folder when it holds one, else the
 * `LOBULE_WORKSPACE` folder, else the workspace opened last (the user's recent list), else `~/Lobule`. Only that
 * last case creates a folder nobody chose, so the host remembers it (`createdByDefault`) and the app asks at once
 * whether to keep it or open or create another: the first start is never silent.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE } from '../engine/workspace/manifest.js';
import { Workspace } from '../engine/workspace/workspace.js';
import { lastWorkspaceSync } from './user-config.js';

/** Folders this process created as a default workspace (the app offers to choose another). */
const createdByDefault = new Set<string>();

export function isWorkspaceDir(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, `${MANIFEST_FILE}.bak`));
}

export function defaultWorkspaceDir(cwd = process.cwd()): string {
  if (existsSync(join(cwd, MANIFEST_FILE))) return resolve(cwd);
  if (process.env.LOBULE_WORKSPACE) return resolve(process.env.LOBULE_WORKSPACE);
  const last = lastWorkspaceSync();
  if (last && isWorkspaceDir(last)) return last;
  return resolve(join(homedir(), 'Lobule'));
}

/** Opens `dir` (taking its writer lock), creating the workspace when the folder has none yet. */
export async function openOrCreateWorkspace(
  dir: string,
  options: { readonly byDefault?: boolean } = {},
): Promise<{ workspace: Workspace; created: boolean }> {
  const root = resolve(dir);
  if (isWorkspaceDir(root)) return { workspace: await Workspace.open(root), created: false };
  const workspace = await Workspace.init(root);
  if (options.byDefault) createdByDefault.add(workspace.dir);
  return { workspace, created: true };
}

/** True when `dir` was created by this process only because no workspace was named (first start). */
export function wasCreatedByDefault(dir: string): boolean {
  return createdByDefault.has(resolve(dir));
}

/**
 * Which workspace a host opens when none is named: the current folder when it holds one, else the
 * `LOBULE_WORKSPACE` folder, else `~/Lobule` (created on first use, so a fresh install starts with an empty
 * workspace rather than an error).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE } from '../engine/workspace/manifest.js';
import { Workspace } from '../engine/workspace/workspace.js';

export function defaultWorkspaceDir(cwd = process.cwd()): string {
  if (existsSync(join(cwd, MANIFEST_FILE))) return resolve(cwd);
  return resolve(process.env.LOBULE_WORKSPACE ?? join(homedir(), 'Lobule'));
}

/** Opens `dir` (taking its writer lock), creating the workspace when the folder has none yet. */
export async function openOrCreateWorkspace(dir: string): Promise<{ workspace: Workspace; created: boolean }> {
  const root = resolve(dir);
  if (existsSync(join(root, MANIFEST_FILE)) || existsSync(join(root, `${MANIFEST_FILE}.bak`))) {
    return { workspace: await Workspace.open(root), created: false };
  }
  return { workspace: await Workspace.init(root), created: true };
}

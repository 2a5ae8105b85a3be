/** The e2e tests' workspaces: made by tools/samples/workspace.ts (the dev server uses it too), read back here. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, parseManifest, type Manifest } from '../../../engine/workspace/manifest.js';

export { makeWorkspaceFromSharedData, type TempWorkspace } from '../../../tools/samples/workspace.js';

/** The workspace's manifest as it is on disk now (read only: the server under test holds the workspace lock). */
export async function readManifest(workspaceDir: string): Promise<Manifest> {
  const file = join(workspaceDir, MANIFEST_FILE);
  return parseManifest(await readFile(file, 'utf8'), file);
}

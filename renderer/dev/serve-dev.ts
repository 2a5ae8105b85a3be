/**
 * Development only: serves dist/renderer against a throw-away workspace through the engine's HTTP host in this
 * process (what `lobule serve` does), for working on the UI before/without the CLI. Not used by tests.
 * Usage: node --import tsx renderer/dev/serve-dev.ts [workspaceDir]
 */
import { Workspace } from '../../engine/workspace/workspace.js';
import { LobuleService } from '../../engine/host/service.js';
import { startHttpHost } from '../../engine/host/http-server.js';
import { rendererDistDir } from '../../engine/paths.js';
import { makeWorkspaceFromSharedData } from '../../test/e2e/helpers/workspace.js';

const dir = process.argv[2] ?? (await makeWorkspaceFromSharedData()).dir;
const ws = await Workspace.open(dir);
const service = new LobuleService(ws, { host: 'serve' });
const host = await startHttpHost(service, { port: 7341, rendererDir: rendererDistDir(), token: 'dev' });
console.log(`workspace ${dir}\n${host.pageUrl}`);

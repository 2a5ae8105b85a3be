/**
 * Development only: runs the real `lobule serve` (built dist/) on a throw-away workspace made from
 * ../shared/data, and prints the page URL. Usage: node --import tsx renderer/dev/serve-dev.ts [workspaceDir]
 */
import { makeWorkspaceFromSharedData } from '../../tools/samples/workspace.js';
import { startServe } from '../../tools/browser/server.js';

const dir = process.argv[2] ?? (await makeWorkspaceFromSharedData()).dir;
const serve = await startServe(dir);
console.log(`workspace ${dir}\n${serve.pageUrl}`);
process.on('SIGINT', () => void serve.stop().then(() => process.exit(0)));

/**
 * The renderer's entry: connects to whichever host serves it (Electron IPC or `lobule serve` HTTP) and boots the
 * app. The case the workspace reopens is requested first, and the app's bundle (~4.5 MB of JavaScript to parse)
 * is loaded after: over HTTP its volumes then arrive in a worker while the app starts.
 */
import { connectLobule } from '../../engine/api/index.js';
import { workerBinaryFetch } from './app/binaryFetch.js';
import { EarlyCase } from './edit/caseFetch.js';

const api = connectLobule({ fetchBinary: workerBinaryFetch() });
const early = EarlyCase.start(api);
const { boot } = await import('./app/boot.js');
boot(api, await early);

/** The renderer's entry: connects to whichever host serves it (Electron IPC or `lobule serve` HTTP) and boots the app. */
import { connectLobule } from '../../engine/api/index.js';
import { boot } from './app/boot.js';

boot(connectLobule());

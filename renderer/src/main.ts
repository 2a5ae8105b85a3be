import { connectLobule } from '../../engine/api/index.js';
import { boot } from './app/boot.js';

boot(connectLobule());

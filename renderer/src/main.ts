import { connectRenderer } from './api/connect.js';
import { boot } from './app/boot.js';

boot(connectRenderer());

import type { CliCommand } from '../command.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: '(not built yet)',
  usage: 'lobule serve',
  async run() {
    console.error('lobule serve is not built yet');
    return 2;
  },
};

import type { CliCommand } from '../command.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const infoCommand: CliCommand = {
  name: 'info',
  summary: '(not built yet)',
  usage: 'lobule info',
  async run() {
    console.error('lobule info is not built yet');
    return 2;
  },
};

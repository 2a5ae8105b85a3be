import type { CliCommand } from '../command.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const trainCommand: CliCommand = {
  name: 'train',
  summary: '(not built yet)',
  usage: 'lobule train',
  async run() {
    console.error('lobule train is not built yet');
    return 2;
  },
};

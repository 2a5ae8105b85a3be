import type { CliCommand } from '../command.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const convertCommand: CliCommand = {
  name: 'convert',
  summary: '(not built yet)',
  usage: 'lobule convert',
  async run() {
    console.error('lobule convert is not built yet');
    return 2;
  },
};

import type { CliCommand } from '../command.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const segmentCommand: CliCommand = {
  name: 'segment',
  summary: '(not built yet)',
  usage: 'lobule segment',
  async run() {
    console.error('lobule segment is not built yet');
    return 2;
  },
};

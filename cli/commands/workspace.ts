import type { CliCommand } from '../command.js';

// Placeholder until the owning issue lands; replaced by the real command.
export const workspaceCommand: CliCommand = {
  name: 'workspace',
  summary: '(not built yet)',
  usage: 'lobule workspace',
  async run() {
    console.error('lobule workspace is not built yet');
    return 2;
  },
};

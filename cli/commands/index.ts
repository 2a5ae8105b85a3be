import type { CliCommand } from '../command.js';
import { infoCommand } from './info.js';
import { convertCommand } from './convert.js';
import { segmentCommand } from './segment.js';
import { trainCommand } from './train.js';
import { evaluateCommand } from './evaluate.js';
import { workspaceCommand } from './workspace.js';
import { serveCommand } from './serve.js';

/** The registry of CLI commands, in the order `lobule --help` lists them. */
export const commands: readonly CliCommand[] = [
  infoCommand,
  convertCommand,
  segmentCommand,
  trainCommand,
  evaluateCommand,
  workspaceCommand,
  serveCommand,
];

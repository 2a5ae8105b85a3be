import { commands } from './commands/index.js';
import { LobuleError, serializeError } from '../engine/errors.js';
import { lobuleVersion } from '../engine/paths.js';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Lobule: CT organ segmentation workstation (liver first).',
    '',
    'Usage: lobule <command> [options]     (lobule <command> --help for its options)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Runs one CLI invocation and returns the exit code; errors print one clear line, never a stack. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(lobuleVersion());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`lobule: unknown command '${name}'.\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    const err = serializeError(e);
    console.error(`lobule ${name}: ${err.message}`);
    if (process.env.LOBULE_DEBUG && e instanceof Error && !(e instanceof LobuleError)) console.error(e.stack);
    return err.code === 'E_CANCELLED' ? 130 : 1;
  }
}

/** The `lobule` entry: dispatches to a command and turns any failure into one clear line and an exit code. */
import { commands } from './commands/index.js';
import { LobuleError, serializeError } from '../engine/errors.js';
import { lobuleVersion } from '../engine/paths.js';

async function helpText(): Promise<string> {
  const loaded = await Promise.all(commands.map((c) => c.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  return [
    'Lobule: CT organ segmentation workstation (liver first).',
    '',
    'Usage: lobule <command> [options]     (lobule <command> --help for its options)',
    '',
    'Commands:',
    ...loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Runs one CLI invocation and returns the exit code; errors print one clear line, never a stack. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await helpText());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(lobuleVersion());
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    console.error(`lobule: unknown command '${name}'.\n\n${await helpText()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(command.usage);
      return 0;
    }
    return await command.run(rest);
  } catch (e) {
    const err = serializeError(e);
    console.error(`lobule ${name}: ${err.message}`);
    if (process.env.LOBULE_DEBUG && e instanceof Error && !(e instanceof LobuleError)) console.error(e.stack);
    return err.code === 'E_CANCELLED' ? 130 : 1;
  }
}

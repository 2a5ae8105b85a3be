/**
 * What several `lobule` commands share, stated once: a command as data (its flags declared once, parsed before it
 * runs), option blocks with one meaning (which image of a file, where ONNX Runtime runs), their parsers, and
 * Ctrl-C as cancellation of the engine's work.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliCommand } from '../command.js';
import { LobuleError } from '../../engine/errors.js';
import { DEVICES, type Device } from '../../engine/onnx/session-factory.js';

type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's flags, strictly parsed (an unknown or malformed flag is an error naming it, with the usage line).
 * `positionals`: whether the command takes arguments besides its flags.
 */
export function parseCommandArgs<const O extends CommandOptions, const P extends boolean = false>(
  argv: string[],
  usage: string,
  options: O,
  positionals?: P,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: positionals, strict: true });
  } catch (e) {
    throw new LobuleError('E_INVALID_ARGUMENT', (e as Error).message, usage.split('\n')[0]);
  }
}

/**
 * A command whose flags are data: `options` (and positional arguments when `positionals`) are parsed strictly
 * against `usage` before `run` gets them, typed; `run` also gets the raw arguments (e.g. to record the command).
 */
export function defineCommand<const O extends CommandOptions, const P extends boolean = false>(spec: {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: O;
  readonly positionals?: P;
  run(args: ReturnType<typeof parseCommandArgs<O, P>>, argv: string[]): Promise<number>;
}): CliCommand {
  const { name, summary, usage, options, positionals } = spec;
  return { name, summary, usage, run: (argv) => spec.run(parseCommandArgs(argv, usage, options, positionals), argv) };
}

/** --volume N and --series UID: which image of a 4-D NIfTI, which series of a DICOM folder with several. */
export const IMAGE_CHOICE_OPTIONS = { volume: { type: 'string' }, series: { type: 'string' } } as const;

/** --device D: where ONNX Runtime runs; `auto` takes the best available, else the CPU. */
export const DEVICE_OPTION = { device: { type: 'string', default: 'auto' } } as const;

/** The --volume index (undefined when not given). */
export function parseVolumeIndex(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const index = Number(text);
  if (!Number.isInteger(index)) throw new LobuleError('E_INVALID_ARGUMENT', `--volume must be a whole number, got '${text}'`);
  return index;
}

export function parseDevice(text: string): Device {
  if (!(DEVICES as readonly string[]).includes(text))
    throw new LobuleError('E_INVALID_ARGUMENT', `unknown device "${text}"`, `Use one of ${DEVICES.join(', ')}`);
  return text as Device;
}

/** Runs `work` with a signal that Ctrl-C aborts: the engine stops at its next check and cleans up after itself. */
export async function abortOnCtrlC<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The command registry of `lobule`: names and lazy loaders, so `lobule info` does not pay for loading `train`. */
import type { CliCommand } from '../command.js';

/** A command's name and how to load it: a module loads only when its command runs (or for --help). */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<CliCommand>;
}

/**
 * The registry of CLI commands, in the order `lobule --help` lists them. Loaded lazily so `lobule info` and
 * `lobule convert` do not pay for onnxruntime, the training engine and the HTTP server at start-up.
 */
export const commands: readonly CommandEntry[] = [
  { name: 'info', load: async () => (await import('./info.js')).infoCommand },
  { name: 'convert', load: async () => (await import('./convert.js')).convertCommand },
  { name: 'segment', load: async () => (await import('./segment.js')).segmentCommand },
  { name: 'train', load: async () => (await import('./train.js')).trainCommand },
  { name: 'evaluate', load: async () => (await import('./evaluate.js')).evaluateCommand },
  { name: 'workspace', load: async () => (await import('./workspace.js')).workspaceCommand },
  { name: 'labels', load: async () => (await import('./labels.js')).labelsCommand },
  { name: 'serve', load: async () => (await import('./serve.js')).serveCommand },
];

/** What every `lobule <command>` module exports. Commands parse their own flags with node:util parseArgs. */
export interface CliCommand {
  readonly name: string;
  /** One line for `lobule --help`. */
  readonly summary: string;
  /** Full usage text for `lobule <command> --help`. */
  readonly usage: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}

// Runs the Lobule CLI from source (as bin/lobule.js runs the built one), for tests that check exit codes and output.
import { runCli } from '../../cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));

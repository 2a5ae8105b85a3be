/**
 * Starts the real `lobule serve` (the built CLI in dist/) on a workspace and a port (ephemeral by default), and
 * reads the page URL (with its token) from its stdout. The one way the e2e tests and the UI benchmark start it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

export interface RunningServe {
  readonly pageUrl: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** A fixed port, so that a restarted server comes back where an open page is; default: an ephemeral one. */
  readonly port?: number;
  /** Added to this process's environment (e.g. LOBULE_CONFIG_DIR, so a test never touches the user's tokens). */
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** `workspaceDir` null starts it as a first start does: without `--workspace`. */
export async function startServe(workspaceDir: string | null, options: ServeOptions = {}): Promise<RunningServe> {
  const { port = 0, env = {}, timeoutMs = 60_000 } = options;
  const workspaceArgs = workspaceDir === null ? [] : ['--workspace', workspaceDir];
  const child: ChildProcess = spawn(
    process.execPath,
    [join(packageRoot(), 'bin', 'lobule.js'), 'serve', ...workspaceArgs, '--port', String(port)],
    {
      cwd: packageRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BROWSER: 'none', ...env },
    },
  );
  // If the test or benchmark process dies (a crash, a timeout kill), the server must not outlive it.
  const killChild = (): void => void child.kill('SIGKILL');
  process.once('exit', killChild);
  child.once('exit', () => process.off('exit', killChild));
  let output = '';
  const pageUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lobule serve printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /(http:\/\/[^\s"']+[?&]token=[A-Za-z0-9]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lobule serve exited with ${code} before printing its URL:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.on('data', (c: Buffer) => process.env.LOBULE_E2E_VERBOSE && process.stderr.write(c));
  const url = new URL(pageUrl);
  return {
    pageUrl,
    origin: url.origin,
    token: url.searchParams.get('token') ?? '',
    port: Number(url.port),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

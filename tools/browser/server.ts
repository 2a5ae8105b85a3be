/**
 * Starts the real `lobule serve` (the built CLI in dist/) on a workspace and an ephemeral port, and reads the
 * page URL (with its token) from its stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';

export interface RunningServe {
  readonly pageUrl: string;
  readonly origin: string;
  readonly token: string;
  stop(): Promise<void>;
}

export async function startServe(workspaceDir: string, timeoutMs = 60_000): Promise<RunningServe> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(packageRoot(), 'bin', 'lobule.js'), 'serve', '--workspace', workspaceDir, '--port', '0'],
    {
      cwd: packageRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BROWSER: 'none' },
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
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

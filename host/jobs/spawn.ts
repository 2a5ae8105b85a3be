/**
 * Starts a job's (or the import's) child process the way the running host allows. Under plain Node: fork. Inside
 * Electron's main process: utilityProcess.fork, because the packaged app's RunAsNode fuse is off (see
 * electron-builder.yml), so the old ELECTRON_RUN_AS_NODE fork would start a second app instead of a Node process.
 * Both come back as one small ChildLike so runner.ts does not care which.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

export type SpawnKind = 'utility' | 'node';

/** The part of a child process the hosts use. */
export interface ChildLike {
  readonly pid: number | undefined;
  readonly connected: boolean;
  readonly exitCode: number | null;
  send(message: unknown, callback?: (error: Error | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
  /** 'message' (message), 'exit' (code, signal), 'error' (error). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the listener shapes differ per event, as in Node's own typing
  on(event: 'message' | 'exit' | 'error', listener: (...args: any[]) => void): this;
}

export interface SpawnOptions {
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Names the process in Electron's task manager. */
  readonly serviceName?: string;
}

/** 'utility' inside Electron's main process (process.type 'browser'), else 'node'. */
export function spawnKind(
  versions: NodeJS.ProcessVersions = process.versions,
  type: string | undefined = (process as { type?: string }).type,
): SpawnKind {
  return versions.electron !== undefined && type === 'browser' ? 'utility' : 'node';
}

/** What electron's utilityProcess.fork returns, as far as this module uses it. */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (...args: unknown[]) => void): unknown;
}

export type UtilityFork = (
  modulePath: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; execArgv?: string[]; serviceName?: string; stdio?: 'inherit' },
) => UtilityProcessLike;

/** A utility process behind the ChildLike face (messages are structured clones, as with 'advanced' fork). */
class UtilityChild extends EventEmitter implements ChildLike {
  exitCode: number | null = null;
  private exited = false;
  constructor(private readonly proc: UtilityProcessLike) {
    super();
    proc.on('message', (m) => this.emit('message', m));
    proc.on('exit', (code) => {
      this.exited = true;
      this.exitCode = code;
      this.emit('exit', code, null);
    });
    proc.on('error', (...args) => this.emit('error', new Error(`utility process failed: ${args.map(String).join(' ')}`)));
  }
  get pid(): number | undefined {
    return this.proc.pid;
  }
  get connected(): boolean {
    return !this.exited;
  }
  send(message: unknown, callback?: (error: Error | null) => void): void {
    this.proc.postMessage(message);
    callback?.(null);
  }
  kill(): void {
    this.proc.kill();
  }
}

function electronUtilityFork(): UtilityFork {
  const electron = createRequire(import.meta.url)('electron') as { utilityProcess: { fork: UtilityFork } };
  return electron.utilityProcess.fork.bind(electron.utilityProcess);
}

/**
 * Starts `entry` as a child with an IPC channel (structured-clone messages) and stdout/stderr inherited.
 * @param utilityFork Electron's utilityProcess.fork (looked up when running inside Electron; tests pass a stand-in).
 */
export function spawnChild(entry: string, options: SpawnOptions = {}, kind: SpawnKind = spawnKind(), utilityFork?: UtilityFork): ChildLike {
  if (kind === 'utility') {
    const forkUtility = utilityFork ?? electronUtilityFork();
    return new UtilityChild(
      forkUtility(entry, [], {
        env: options.env,
        execArgv: [...(options.execArgv ?? [])],
        serviceName: options.serviceName,
        stdio: 'inherit',
      }),
    );
  }
  return fork(entry, [], {
    execArgv: [...(options.execArgv ?? [])],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: options.env,
  }) as unknown as ChildLike;
}

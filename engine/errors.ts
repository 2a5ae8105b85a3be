/**
 * Every failure a user can cause (bad file, wrong geometry, missing model, full disk, cancelled job) is a
 * LobuleError: a stable `code` for programs, a message that names the thing, and a `hint` that names the fix.
 * Hosts serialise it as {name, code, message, hint} across IPC and HTTP.
 */
export type ErrorCode =
  | 'E_NOT_FOUND'
  | 'E_CORRUPT'
  | 'E_UNSUPPORTED'
  | 'E_GEOMETRY'
  | 'E_INVALID_ARGUMENT'
  | 'E_MODEL'
  | 'E_WORKSPACE'
  | 'E_LOCKED'
  | 'E_DISK_FULL'
  | 'E_CANCELLED'
  | 'E_JOB_FAILED'
  | 'E_INTERNAL';

export class LobuleError extends Error {
  override readonly name = 'LobuleError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message}. ${hint}` : message, options);
  }

  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint };
  }
}

export interface SerializedError {
  readonly name: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string;
}

export function isLobuleError(e: unknown): e is LobuleError {
  return e instanceof LobuleError;
}

/** The error thrown by long work when its AbortSignal fires. */
export function cancelledError(what: string): LobuleError {
  return new LobuleError('E_CANCELLED', `${what} was cancelled`);
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelledError(what);
}

/** Turns any thrown value into the serialised form hosts send; unknown errors become E_INTERNAL. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof LobuleError) return e.toJSON();
  if (e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === 'ENOSPC') {
    return {
      name: 'LobuleError',
      code: 'E_DISK_FULL',
      message: String((e as { message?: unknown }).message),
      hint: 'Free disk space and try again; nothing saved before was changed',
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { name: 'LobuleError', code: 'E_INTERNAL', message };
}

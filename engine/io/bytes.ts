/** Reading whole files (optionally gzip) into one buffer, with user-facing errors. */
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { LobuleError } from '../errors.js';

const gunzipAsync = promisify(zlib.gunzip);
// deflate cannot expand more than ~1032:1, so a trailer claiming more is corrupt and must not size an allocation
const MAX_DEFLATE_RATIO = 1040;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export async function readFileBytes(path: string, what: string): Promise<Buffer> {
  await checkReadableFile(path, what);
  return readFile(path).catch((e: unknown) => rethrowFsError(e, path, what));
}

/** Throws a LobuleError when `path` is missing, a folder, or unreadable. */
export async function checkReadableFile(path: string, what: string): Promise<void> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new LobuleError('E_INVALID_ARGUMENT', `${what} '${path}' is a folder, not a file`, 'Give the path of the file itself');
  } catch (e) {
    rethrowFsError(e, path, what);
  }
}

function rethrowFsError(e: unknown, path: string, what: string): never {
  if (e instanceof LobuleError) throw e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') throw new LobuleError('E_NOT_FOUND', `${what} '${path}' does not exist`, 'Check the path');
  if (code === 'EACCES' || code === 'EPERM') throw new LobuleError('E_NOT_FOUND', `${what} '${path}' cannot be read (permission denied)`, 'Check the file permissions');
  throw e;
}

/**
 * Gunzips into a single buffer. The gzip trailer's ISIZE sizes one output chunk, so zlib inflates straight into it
 * and no concatenation copy is made (plain gunzip collects 16 KiB chunks and concatenates them: 2× the memory).
 */
export async function gunzipWhole(compressed: Buffer, path: string): Promise<Buffer> {
  let chunkSize = 64 * 1024;
  if (compressed.length >= 18) {
    const isize = compressed.readUInt32LE(compressed.length - 4);
    if (isize > 0 && isize <= compressed.length * MAX_DEFLATE_RATIO) chunkSize = Math.max(chunkSize, isize + 1);
  }
  try {
    return await gunzipAsync(compressed, { chunkSize });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new LobuleError(
      'E_CORRUPT',
      `'${path}' is not a valid gzip file (${reason}); it is probably truncated or damaged`,
      'Copy or download the file again',
    );
  }
}

/** The file's bytes, gunzipped when it starts with the gzip magic. */
export async function readMaybeGzip(path: string, what: string): Promise<Buffer> {
  const raw = await readFileBytes(path, what);
  return isGzip(raw) ? gunzipWhole(raw, path) : raw;
}

/**
 * Reading files (optionally gzip) for the readers, with user-facing errors and bounded work: only regular files
 * are read (a FIFO or /dev/zero would block or never end), a file larger than the volume limit allows is refused
 * before it is read, and gzip is inflated only up to the size the header declares (a 3 MB .nii.gz can inflate to
 * 6 GiB; the header of a real image says how many bytes it needs).
 */
import { constants as bufferConstants } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import zlib from 'node:zlib';
import { LobuleError } from '../errors.js';
import { checkDeclaredBytes, maxVolumeBytes } from './limits.js';

/** Output chunk of the streaming inflater: big enough that thread-pool hops cost nothing, small next to a volume. */
const INFLATE_CHUNK = 1 << 20;
/** Text encodings (NRRD ascii) take more bytes per voxel than the decoded volume; no reader needs more than this. */
const FILE_TO_VOLUME_ALLOWANCE = 8;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The whole file, when it is a regular file within FILE_TO_VOLUME_ALLOWANCE × the volume limit.
 * @throws LobuleError for a missing, unreadable, non-regular or oversized file.
 */
export async function readFileBytes(path: string, what: string): Promise<Buffer> {
  const s = await checkReadableFile(path, what);
  if (s.size > FILE_TO_VOLUME_ALLOWANCE * maxVolumeBytes()) checkDeclaredBytes(s.size, path, `${what} size`);
  if (s.size > bufferConstants.MAX_LENGTH) throw tooBigForMemory(path, s.size);
  try {
    const fh = await open(path, 'r');
    try {
      // Read exactly the size stat reported: a file that grows while read (a log, a device) is not followed.
      const buf = Buffer.allocUnsafeSlow(s.size);
      let at = 0;
      while (at < s.size) {
        const { bytesRead } = await fh.read(buf, at, s.size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === s.size ? buf : buf.subarray(0, at);
    } finally {
      await fh.close();
    }
  } catch (e) {
    return rethrowFsError(e, path, what);
  }
}

/** The first `n` bytes of a regular file (fewer when it is shorter): a header, or the part of a file it declares. */
export async function readFileHead(path: string, n: number, what: string): Promise<Buffer> {
  const s = await checkReadableFile(path, what);
  const size = Math.min(n, s.size);
  if (size > bufferConstants.MAX_LENGTH) throw tooBigForMemory(path, size);
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafeSlow(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await fh.read(buf, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === size ? buf : buf.subarray(0, at);
    } finally {
      await fh.close();
    }
  } catch (e) {
    return rethrowFsError(e, path, what);
  }
}

/** Throws a LobuleError when `path` is missing, a folder, not a regular file, or unreadable; else its stats. */
export async function checkReadableFile(path: string, what: string): Promise<Stats> {
  let s: Stats;
  try {
    s = await stat(path);
  } catch (e) {
    return rethrowFsError(e, path, what);
  }
  if (s.isDirectory())
    throw new LobuleError('E_INVALID_ARGUMENT', `${what} '${path}' is a folder, not a file`, 'Give the path of the file itself');
  if (!s.isFile()) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `${what} '${path}' is not a regular file (a device, pipe or socket)`,
      'Give the path of an image file on disk',
    );
  }
  return s;
}

export function rethrowFsError(e: unknown, path: string, what: string): never {
  if (e instanceof LobuleError) throw e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') throw new LobuleError('E_NOT_FOUND', `${what} '${path}' does not exist`, 'Check the path');
  if (code === 'EACCES' || code === 'EPERM')
    throw new LobuleError('E_NOT_FOUND', `${what} '${path}' cannot be read (permission denied)`, 'Check the file permissions');
  if (code === 'EISDIR')
    throw new LobuleError('E_INVALID_ARGUMENT', `${what} '${path}' is a folder, not a file`, 'Give the path of the file itself');
  const reason = e instanceof Error ? e.message : String(e);
  throw new LobuleError('E_NOT_FOUND', `${what} '${path}' cannot be read (${reason})`, 'Check the path and that the disk is readable', {
    cause: e,
  });
}

function tooBigForMemory(path: string, bytes: number): LobuleError {
  return new LobuleError(
    'E_UNSUPPORTED',
    `'${path}' needs ${bytes} bytes in one piece, more than this Node.js can hold in one buffer (${bufferConstants.MAX_LENGTH})`,
    'Split or crop the image first',
  );
}

function corruptGzip(path: string, e: unknown): LobuleError {
  const reason = e instanceof Error ? e.message : String(e);
  return new LobuleError(
    'E_CORRUPT',
    `'${path}' is not a valid gzip file (${reason}); it is probably truncated or damaged`,
    'Copy or download the file again',
  );
}

export interface GunzipOptions {
  /** Return what inflated before a truncated or damaged stream ended instead of failing (header peeks). */
  readonly partial?: boolean;
}

/**
 * Inflates at most `maxBytes` of a gzip stream (concatenated members included) and stops there: trailing
 * bytes beyond what the header declared are never inflated, so a bomb costs no more than its header admits.
 * Output may be shorter than `maxBytes` when the stream ends first; the caller's length check names that.
 * Memory: one buffer of the final size (sized from the gzip trailer when it is plausible) plus one chunk.
 */
export function gunzipAtMost(compressed: Uint8Array, maxBytes: number, path: string, options: GunzipOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const inflater = zlib.createGunzip({ chunkSize: INFLATE_CHUNK });
    let out = Buffer.allocUnsafeSlow(initialSize(compressed, maxBytes));
    let n = 0;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      inflater.destroy();
      if (error instanceof LobuleError) reject(error);
      else if (error !== undefined && !(options.partial && n > 0)) reject(corruptGzip(path, error));
      else resolve(out.subarray(0, n));
    };
    inflater.on('data', (chunk: Buffer) => {
      if (settled) return;
      const take = Math.min(chunk.length, maxBytes - n);
      if (n + take > out.length) {
        const size = Math.min(maxBytes, Math.max(n + take, out.length * 2));
        if (size > bufferConstants.MAX_LENGTH) return finish(tooBigForMemory(path, size));
        const grown = Buffer.allocUnsafeSlow(size);
        out.copy(grown, 0, 0, n);
        out = grown;
      }
      chunk.copy(out, n, 0, take);
      n += take;
      if (n >= maxBytes) finish();
    });
    inflater.on('end', () => finish());
    inflater.on('error', (e) => finish(e));
    inflater.end(compressed);
  });
}

/** The gzip trailer's ISIZE (size mod 2^32) when it fits the bound, else a small start that grows by doubling. */
function initialSize(compressed: Uint8Array, maxBytes: number): number {
  const start = Math.max(0, Math.min(maxBytes, INFLATE_CHUNK));
  if (compressed.length < 18) return start;
  const isize = Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength).readUInt32LE(compressed.length - 4);
  // deflate expands at most ~1032:1, so a bigger claim is a lie that must not size an allocation
  const size = isize > 0 && isize <= compressed.length * 1040 ? Math.min(maxBytes, Math.max(isize, start)) : start;
  return Math.min(size, bufferConstants.MAX_LENGTH);
}

/**
 * Finding and parsing the DICOM files of a folder (recursively). A file that is not DICOM, or is damaged, is
 * skipped and named with its reason: one bad file must not stop an import, and none may vanish silently.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LobuleError } from '../../errors.js';
import { notDicomReason, parseDicomBytes, thrownText, type DicomFile } from './parse.js';

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

export interface DicomFolder {
  readonly files: DicomFile[];
  readonly skipped: SkippedFile[];
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    // DICOMDIR is an index of the media, and dot files are OS litter (.DS_Store): neither is an image
    else if (e.isFile() && e.name !== 'DICOMDIR' && !e.name.startsWith('.')) out.push(p);
  }
  return out;
}

export async function checkFolder(dir: string): Promise<void> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory())
      throw new LobuleError('E_INVALID_ARGUMENT', `'${dir}' is not a folder`, 'Give the folder that holds the DICOM series');
  } catch (e) {
    if (e instanceof LobuleError) throw e;
    throw new LobuleError('E_NOT_FOUND', `DICOM folder '${dir}' does not exist`, 'Check the path');
  }
}

/**
 * Bytes read to find a file's header: most headers (CT) end within 4 KB, a few need more; files up to 4× the
 * largest are read whole. Reading 64 KB for every file copied 12× more bytes than a CT series' headers hold.
 */
const HEAD_BYTES = [4 * 1024, 64 * 1024];

/**
 * A large file with native pixel data, parsed from its first HEAD_BYTES only (pixels stay on disk until decoded);
 * null when that does not work for this file (compressed, big header, not Part 10), which is then read whole.
 * A 300-slice series spent more CPU allocating whole-file buffers than on anything else.
 */
function headerOnly(path: string): DicomFile | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size <= 4 * HEAD_BYTES[HEAD_BYTES.length - 1]) return null;
    for (const want of HEAD_BYTES) {
      const head = Buffer.allocUnsafe(want);
      const n = readSync(fd, head, 0, want, 0);
      let file: DicomFile | null = null;
      try {
        // a header cut short by `want` either throws or lacks the pixel data element: then read more
        file = parseDicomBytes(path, head.subarray(0, n), { headerOnly: true });
      } catch {
        continue;
      }
      // a truncated file goes the whole-file way, which names it as damaged instead of failing at decode time
      return file?.pixelsInFile && file.pixelsInFile.offset + file.pixelsInFile.length <= size ? file : null;
    }
    return null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Every DICOM file under `dir`, and every other file with the reason it was skipped. */
export async function readDicomFolder(dir: string): Promise<DicomFolder> {
  await checkFolder(dir);
  const files: DicomFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const path of await listFiles(dir)) {
    const fast = headerOnly(path);
    if (fast) {
      files.push(fast);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      skipped.push({ path, reason: `cannot be read (${thrownText(e)})` });
      continue;
    }
    try {
      const parsed = parseDicomBytes(path, bytes);
      if (parsed) files.push(parsed);
      else skipped.push({ path, reason: notDicomReason(bytes) ?? 'not a DICOM file' });
    } catch (e) {
      skipped.push({ path, reason: `damaged DICOM file (${thrownText(e instanceof LobuleError && e.cause !== undefined ? e.cause : e)})` });
    }
  }
  return { files, skipped };
}

/** One line per skipped file, for messages and warnings. */
export function describeSkipped(skipped: readonly SkippedFile[], max = 20): string {
  const lines = skipped.slice(0, max).map((s) => `  '${s.path}': ${s.reason}`);
  if (skipped.length > max) lines.push(`  … and ${skipped.length - max} more`);
  return lines.join('\n');
}

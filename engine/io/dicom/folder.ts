/** Finding and parsing the DICOM files of a folder (recursively), skipping files that are not DICOM. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LobuleError } from '../../errors.js';
import { parseDicomBytes, type DicomFile } from './parse.js';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile() && e.name !== 'DICOMDIR' && !e.name.startsWith('.')) out.push(p);
  }
  return out;
}

export async function checkFolder(dir: string): Promise<void> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new LobuleError('E_INVALID_ARGUMENT', `'${dir}' is not a folder`, 'Give the folder that holds the DICOM series');
  } catch (e) {
    if (e instanceof LobuleError) throw e;
    throw new LobuleError('E_NOT_FOUND', `DICOM folder '${dir}' does not exist`, 'Check the path');
  }
}

/** Every DICOM Part 10 file under `dir`; damaged DICOM files raise an error naming the file. */
export async function readDicomFolder(dir: string): Promise<DicomFile[]> {
  await checkFolder(dir);
  const files: DicomFile[] = [];
  for (const path of await listFiles(dir)) {
    const bytes = await readFile(path);
    let parsed: DicomFile | null;
    try {
      parsed = parseDicomBytes(path, bytes);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new LobuleError('E_CORRUPT', `'${path}' looks like DICOM but cannot be parsed (${why})`, 'Remove or replace the damaged file');
    }
    if (parsed) files.push(parsed);
  }
  return files;
}

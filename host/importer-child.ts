/** Runs one workspace import in a child process (jobs/import-process.ts) and resolves with its report. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LobuleError } from '../engine/errors.js';
import type { ImportReport } from '../engine/workspace/importer.js';
import type { ImportReply, ImportRequest } from './jobs/import-process.js';

const EXT = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
const ENTRY = fileURLToPath(new URL(`./jobs/import-process${EXT}`, import.meta.url));

export function importInChild(request: ImportRequest): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const child = fork(ENTRY, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    let reply: ImportReply | null = null;
    child.on('message', (m: ImportReply) => (reply = m));
    child.on('error', (e) => reject(e));
    child.on('exit', (code, signal) => {
      const r = reply as ImportReply | null;
      if (r?.ok) return resolve(r.report);
      if (r) return reject(new LobuleError(r.error.code, r.error.message));
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      reject(new LobuleError('E_JOB_FAILED', `the import process ${how} before finishing`, 'Cases imported before it stopped are kept; import the rest again'));
    });
    child.send(request);
  });
}

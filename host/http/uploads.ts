/**
 * File uploads for `lobule serve` (routes in engine/api/upload-wire.ts): a browser cannot name host paths, so it
 * sends the files it picked; they are streamed to disk (never held in memory) into the workspace's upload staging
 * folder `<workspace>/.upload-staging/<id>/`, and the ordinary import job (jobs.import) then imports them.
 *
 * Bounds: the file list is checked before any byte is written (count, size per file and in all, names that stay
 * inside the folder, free disk space); a body longer than its declared size is refused as it arrives; at most
 * `maxSessions` uploads are open at once and one left idle is removed. Any failed file discards the whole upload
 * (its folder is removed), so a half-sent folder is never imported. After the import job ends the folder goes,
 * unless the report holds files the user must still decide about (kept `keepHeldBackMs` for "It is an image").
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, statfs } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EventName, JobInfo } from '../../engine/api/contract.js';
import {
  DEFAULT_UPLOAD_LIMITS,
  UploadImportSchema,
  UploadRequestSchema,
  uploadRequestProblem,
  type UploadedPaths,
  type UploadLimits,
  type UploadStarted,
} from '../../engine/api/upload-wire.js';
import { volumeEnding } from '../../engine/workspace/dataset-layout.js';
import { dispatch } from '../dispatch.js';
import type { LobuleService } from '../service.js';
import { HttpError, httpError, readJson, sendJson } from './http-io.js';

export const UPLOAD_STAGING = '.upload-staging';

export interface UploadOptions {
  readonly limits?: Partial<UploadLimits>;
  /** Uploads open at once (default 4). */
  readonly maxSessions?: number;
  /** An upload that receives nothing for this long is removed (default 10 min). */
  readonly idleMs?: number;
  /** How long the files of an import that held some back stay for the user's answer (default 1 h). */
  readonly keepHeldBackMs?: number;
}

interface UploadFile {
  readonly path: string;
  readonly size: number;
  state: 'waiting' | 'receiving' | 'received';
}

interface Session {
  readonly id: string;
  readonly folder: string;
  readonly files: UploadFile[];
  state: 'receiving' | 'importing' | 'done';
  jobId: string | null;
  timer: NodeJS.Timeout | null;
  /** Date.now() of the last byte or call (the idle timer compares with it instead of restarting per chunk). */
  active: number;
}

const JSON_LIMIT = 4 << 20; // a 5000-file list with long DICOM names fits
const ID = /^[0-9a-f-]{36}$/;

/**
 * Where loose DICOM files go (see importPathsOf); a suffix keeps it apart from an uploaded folder of that name. Never
 * seen by the user: the cases are named from their series and record the files' own names.
 */
const LOOSE_FOLDER = 'DICOM';

/**
 * The paths the import job reads, each uploaded folder and volume file, and what they are (UploadedPaths). Files
 * without a volume ending picked one by one (DICOM slices) are moved into one folder first: imported one by one,
 * each would read its whole folder's series again and become a duplicate case. The importer names that folder's
 * series from their DICOM attributes, one case each, as it does a DICOM folder's series.
 */
async function importPathsOf(session: Session): Promise<{ paths: string[]; upload: UploadedPaths }> {
  const tops = new Set(session.files.map((f) => f.path.split('/')[0]));
  const loose = session.files.filter((f) => !f.path.includes('/') && volumeEnding(f.path) === undefined).map((f) => f.path);
  let looseDicom: string | undefined;
  if (loose.length > 0) {
    const taken = new Set([...tops].map((t) => t.toLowerCase()));
    let folder = LOOSE_FOLDER;
    for (let n = 2; taken.has(folder.toLowerCase()); n++) folder = `${LOOSE_FOLDER}_${n}`;
    await mkdir(join(session.folder, folder));
    for (const name of loose) {
      await rename(join(session.folder, name), join(session.folder, folder, name));
      tops.delete(name);
    }
    tops.add(folder);
    looseDicom = folder;
  }
  const paths = [...tops].sort().map((t) => join(session.folder, t));
  return { paths, upload: { folder: session.folder, ...(looseDicom ? { looseDicom } : {}) } };
}

export class UploadRoutes {
  readonly limits: UploadLimits;
  private readonly sessions = new Map<string, Session>();
  private readonly maxSessions: number;
  private readonly idleMs: number;
  private readonly keepHeldBackMs: number;
  private readonly unsubscribe: () => void;
  private readonly cleared: Promise<void>;

  constructor(
    private readonly service: LobuleService,
    options: UploadOptions = {},
  ) {
    this.limits = { ...DEFAULT_UPLOAD_LIMITS, ...options.limits };
    this.maxSessions = options.maxSessions ?? 4;
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.keepHeldBackMs = options.keepHeldBackMs ?? 60 * 60_000;
    // Leftovers of a host that was killed mid-upload: nothing else ever reads them.
    this.cleared = rm(join(service.workspace.dir, UPLOAD_STAGING), { recursive: true, force: true }).catch(() => undefined);
    this.unsubscribe = service.onEvent((event, payload) => this.jobChanged(event, payload));
  }

  /** `rest`: the path after HTTP_UPLOAD_PATH ('', '/<id>', '/<id>/<index>' or '/<id>/import'). */
  async handle(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const [, id, part, ...extra] = rest.split('/');
    if (rest === '' || rest === '/') {
      if (req.method !== 'POST') throw httpError(405, 'E_INVALID_ARGUMENT', 'start an upload with POST');
      return sendJson(res, 200, { ok: true, value: await this.start(req) });
    }
    const session = ID.test(id ?? '') ? this.sessions.get(id) : undefined;
    if (!session || extra.length > 0)
      throw httpError(
        404,
        'E_NOT_FOUND',
        `no upload ${rest.slice(0, 80)}`,
        'It was finished, cancelled, failed or left idle: upload again',
      );
    if (part === undefined) {
      if (req.method !== 'DELETE') throw httpError(405, 'E_INVALID_ARGUMENT', 'discard an upload with DELETE');
      await this.discard(session);
      return sendJson(res, 200, { ok: true, value: null });
    }
    if (part === 'import') {
      if (req.method !== 'POST') throw httpError(405, 'E_INVALID_ARGUMENT', 'import an upload with POST');
      return sendJson(res, 200, { ok: true, value: await this.import(req, session) });
    }
    if (req.method !== 'PUT') throw httpError(405, 'E_INVALID_ARGUMENT', 'send a file with PUT');
    const index = /^\d{1,6}$/.test(part) ? Number(part) : -1;
    const file = session.files[index];
    if (!file) throw httpError(404, 'E_NOT_FOUND', `upload ${id} has no file number ${part.slice(0, 20)}`);
    await this.receive(req, session, file);
    return sendJson(res, 200, { ok: true, value: { received: session.files.filter((f) => f.state === 'received').length } });
  }

  private async start(req: IncomingMessage): Promise<UploadStarted> {
    const parsed = UploadRequestSchema.safeParse(await readJson(req, JSON_LIMIT, 'upload'));
    if (!parsed.success) throw httpError(400, 'E_INVALID_ARGUMENT', `upload: ${parsed.error.issues[0]?.message ?? 'bad file list'}`);
    const problem = uploadRequestProblem(parsed.data, this.limits);
    if (problem) throw httpError(413, 'E_INVALID_ARGUMENT', `upload refused: ${problem}`, 'Upload fewer or smaller files at a time');
    const open = [...this.sessions.values()].filter((s) => s.state !== 'done').length;
    if (open >= this.maxSessions)
      throw httpError(429, 'E_LOCKED', `${open} uploads are already in progress`, 'Wait for them to finish, then upload again');
    await this.cleared;
    const root = join(this.service.workspace.dir, UPLOAD_STAGING);
    const total = parsed.data.files.reduce((n, f) => n + f.size, 0);
    await mkdir(root, { recursive: true });
    const disk = await statfs(root);
    const free = disk.bavail * disk.bsize;
    if (total > free)
      throw httpError(507, 'E_DISK_FULL', `upload of ${total} bytes does not fit: ${free} bytes are free`, 'Free disk space first');
    const id = randomUUID();
    const folder = join(root, id);
    await mkdir(folder);
    const session: Session = {
      id,
      folder,
      files: parsed.data.files.map((f) => ({ path: f.path, size: f.size, state: 'waiting' })),
      state: 'receiving',
      jobId: null,
      timer: null,
      active: Date.now(),
    };
    this.sessions.set(id, session);
    this.touch(session);
    return { uploadId: id, folder, limits: this.limits };
  }

  /** Streams one file to disk; any failure discards the whole upload. */
  private async receive(req: IncomingMessage, session: Session, file: UploadFile): Promise<void> {
    if (session.state !== 'receiving' || file.state !== 'waiting')
      throw httpError(409, 'E_INVALID_ARGUMENT', `'${file.path}' was already sent, or the upload is being imported`);
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) !== file.size) {
      await this.discard(session);
      const status = Number(declared) > file.size ? 413 : 400;
      throw httpError(status, 'E_INVALID_ARGUMENT', `'${file.path}' was listed as ${file.size} bytes but ${declared} were sent`);
    }
    file.state = 'receiving';
    this.touch(session);
    const target = resolve(session.folder, ...file.path.split('/'));
    let received = 0;
    try {
      // uploadPathProblem already refused '..' and separators; this keeps the promise should that check ever change
      if (!target.startsWith(session.folder + sep)) throw httpError(400, 'E_INVALID_ARGUMENT', `'${file.path}' leaves the upload folder`);
      await mkdir(dirname(target), { recursive: true });
      const count = new Transform({
        transform: (chunk: Buffer, _enc, done) => {
          received += chunk.length;
          session.active = Date.now();
          if (received > file.size)
            done(httpError(413, 'E_INVALID_ARGUMENT', `'${file.path}' is longer than the ${file.size} bytes it was listed with`));
          else done(null, chunk);
        },
      });
      await pipeline(req, count, createWriteStream(target, { flags: 'wx' }));
      if (received !== file.size)
        throw httpError(400, 'E_INVALID_ARGUMENT', `'${file.path}' ended after ${received} of its ${file.size} bytes`, 'Upload again');
      // another file of this upload failed meanwhile: the folder this one re-created must go too
      if (this.sessions.get(session.id) !== session)
        throw httpError(404, 'E_NOT_FOUND', 'the upload was discarded while this file arrived', 'Upload again');
      file.state = 'received';
    } catch (e) {
      await this.discard(session);
      if (e instanceof HttpError) throw e;
      throw httpError(400, 'E_INVALID_ARGUMENT', `'${file.path}' did not arrive whole (${(e as Error).message}); the upload was discarded`);
    }
  }

  /** Starts the import job over the upload's top-level files and folders. */
  private async import(req: IncomingMessage, session: Session): Promise<JobInfo> {
    const parsed = UploadImportSchema.safeParse(await readJson(req, JSON_LIMIT, 'upload import'));
    if (!parsed.success) throw httpError(400, 'E_INVALID_ARGUMENT', `upload import: ${parsed.error.issues[0]?.message ?? 'bad options'}`);
    if (session.state !== 'receiving') throw httpError(409, 'E_INVALID_ARGUMENT', 'this upload is already being imported');
    const missing = session.files.filter((f) => f.state !== 'received').length;
    if (missing > 0)
      throw httpError(409, 'E_INVALID_ARGUMENT', `${missing} of the ${session.files.length} files have not arrived yet`, 'Send them first');
    session.state = 'importing';
    this.stopTimer(session);
    const params = { ...parsed.data, ...(await importPathsOf(session)) };
    const reply = await dispatch(this.service.handlers, 'jobs.import', params);
    if (!reply.ok) {
      await this.discard(session);
      throw new HttpError(409, reply.error);
    }
    const job = reply.value as JobInfo;
    session.jobId = job.id;
    return job;
  }

  /** Removes an upload's folder once its import job has ended (see the file comment for held-back files). */
  private jobChanged(event: EventName, payload: unknown): void {
    if (event !== 'jobs.didChangeState') return;
    const job = payload as JobInfo;
    if (!job.finishedAt) return;
    const session = [...this.sessions.values()].find((s) => s.jobId === job.id);
    if (!session) return;
    session.state = 'done';
    const heldBack = job.result?.kind === 'import' && (job.result.looksLikeLabel?.length ?? 0) > 0;
    if (!heldBack) return void this.discard(session);
    session.timer = setTimeout(() => void this.discard(session), this.keepHeldBackMs);
    session.timer.unref();
  }

  /** (Re)arms the idle timer: it fires `idleMs` after the last activity, however many chunks came in between. */
  private touch(session: Session): void {
    this.stopTimer(session);
    session.active = Date.now();
    const check = (): void => {
      const left = session.active + this.idleMs - Date.now();
      if (left <= 0) return void this.discard(session);
      session.timer = setTimeout(check, left);
      session.timer.unref();
    };
    session.timer = setTimeout(check, this.idleMs);
    session.timer.unref();
  }

  private stopTimer(session: Session): void {
    if (session.timer) clearTimeout(session.timer);
    session.timer = null;
  }

  private async discard(session: Session): Promise<void> {
    this.stopTimer(session);
    this.sessions.delete(session.id);
    await rm(session.folder, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Removes every upload's folder (the host is stopping). */
  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.all([...this.sessions.values()].map((s) => this.discard(s)));
  }
}

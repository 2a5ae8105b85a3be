/**
 * Sends picked files to `lobule serve` (routes: engine/api/upload-wire.ts) with byte progress, then has the host
 * start the import job over them. XMLHttpRequest rather than fetch: only it reports upload progress, and a file's
 * bytes are streamed from disk by the browser, never read into memory here.
 */
import type { JobInfo, SerializedError } from '../../../engine/api/contract.js';
import { HTTP_UPLOAD_PATH, type UploadedPaths, type UploadImportOptions, type UploadStarted } from '../../../engine/api/upload-wire.js';
import type { PickedFile } from './pickedFiles.js';

type Envelope<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

function failure(error: SerializedError | undefined, fallback: string): Error {
  return Object.assign(new Error(error?.message ?? fallback), { code: error?.code ?? 'E_INTERNAL', hint: error?.hint });
}

/**
 * jobs.import's `upload` param when every path lies in the upload `folder` (a held-back file imported again with
 * "It is an image"), so the case records the name the user uploaded rather than where the host keeps the file.
 */
export function uploadedFrom(folder: string, paths: readonly string[]): { upload?: UploadedPaths } {
  return folder !== '' && paths.every((p) => p.startsWith(`${folder}/`)) ? { upload: { folder } } : {};
}

export class FileUpload {
  active = $state(false);
  fileCount = $state(0);
  filesSent = $state(0);
  totalBytes = $state(0);
  sentBytes = $state(0);
  current = $state('');
  #xhr: XMLHttpRequest | null = null;
  #uploadId: string | null = null;
  #cancelled = false;

  /** "12/300 files, 40 %" while sending. */
  get progressText(): string {
    const pct = this.totalBytes ? Math.floor((100 * this.sentBytes) / this.totalBytes) : 100;
    return `${this.filesSent}/${this.fileCount} files, ${pct} %`;
  }

  /** Uploads `files` and starts their import; resolves with the import job and the host folder they lie in. */
  async send(files: readonly PickedFile[], options: UploadImportOptions): Promise<{ job: JobInfo; folder: string }> {
    this.active = true;
    this.#cancelled = false;
    this.fileCount = files.length;
    this.filesSent = 0;
    this.totalBytes = files.reduce((n, f) => n + f.file.size, 0);
    this.sentBytes = 0;
    try {
      const started = await this.#request<UploadStarted>('POST', '', { files: files.map((f) => ({ path: f.path, size: f.file.size })) });
      this.#uploadId = started.uploadId;
      let before = 0;
      for (const [i, f] of files.entries()) {
        this.current = f.path;
        await this.#request('PUT', `/${started.uploadId}/${i}`, f.file, (sent) => (this.sentBytes = before + sent));
        before += f.file.size;
        this.sentBytes = before;
        this.filesSent = i + 1;
      }
      const job = await this.#request<JobInfo>('POST', `/${started.uploadId}/import`, options);
      this.#uploadId = null; // the host removes the files once the import job ends
      return { job, folder: started.folder };
    } catch (e) {
      if (this.#cancelled) throw Object.assign(new Error('upload cancelled'), { code: 'E_CANCELLED' });
      throw e;
    } finally {
      this.active = false;
      this.current = '';
      this.#xhr = null;
    }
  }

  /** Stops sending; the host removes what arrived. */
  async cancel(): Promise<void> {
    this.#cancelled = true;
    this.#xhr?.abort();
    const id = this.#uploadId;
    this.#uploadId = null;
    if (id) await this.#request('DELETE', `/${id}`).catch(() => undefined);
  }

  #request<T>(method: string, path: string, body?: unknown, onProgress?: (sent: number) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.#xhr = xhr;
      xhr.open(method, `${HTTP_UPLOAD_PATH}${path}`);
      xhr.responseType = 'json';
      if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => {
        const reply = xhr.response as Envelope<T> | null;
        if (reply?.ok) resolve(reply.value);
        else reject(failure(reply?.ok === false ? reply.error : undefined, `upload ${method} answered ${xhr.status}`));
      };
      xhr.onerror = () => reject(failure(undefined, 'the connection to the host was lost during the upload'));
      xhr.onabort = () => reject(failure(undefined, 'upload cancelled'));
      if (body instanceof Blob) {
        xhr.setRequestHeader('content-type', 'application/octet-stream');
        xhr.send(body);
      } else if (body !== undefined) {
        xhr.setRequestHeader('content-type', 'application/json');
        xhr.send(JSON.stringify(body));
      } else xhr.send();
    });
  }
}

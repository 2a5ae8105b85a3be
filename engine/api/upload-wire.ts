/**
 * The file-upload routes of `lobule serve` (a browser cannot name host paths, so it sends the files): shared by the
 * server (host/http/uploads.ts) and the renderer's uploader, so both check names and limits with the same code.
 * HTTP only: Electron imports host paths through its native dialog and never uploads. Browser-safe.
 *
 * Protocol: POST `/api/upload` with the list of files (relative paths and sizes) → an upload id; PUT
 * `/api/upload/<id>/<index>` with each file's bytes; POST `/api/upload/<id>/import` with the import options → the
 * import job (jobs.import) over the uploaded top-level entries; DELETE `/api/upload/<id>` discards an upload.
 */
import { z } from 'zod';

export const HTTP_UPLOAD_PATH = '/api/upload';

/** What one `lobule serve` accepts; the defaults are the one source of these numbers (the server may lower them). */
export interface UploadLimits {
  /** Largest single file (bytes). */
  readonly maxFileBytes: number;
  /** Most files in one upload (a DICOM series is one file per slice). */
  readonly maxFiles: number;
  /** Most bytes in one upload. */
  readonly maxTotalBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 2 * 1024 ** 3,
  maxFiles: 5000,
  maxTotalBytes: 16 * 1024 ** 3,
};

/** Segments of an uploaded path at most; a DICOM archive is rarely more than a few folders deep. */
const MAX_DEPTH = 16;
const MAX_SEGMENT = 255;
const MAX_PATH = 1024;

/**
 * Why `path` cannot name an uploaded file, or null when it can: a relative path of '/'-separated names, none of
 * them empty, `.` or `..`, without backslashes, colons or control characters (so it stays inside the upload
 * folder on every OS).
 */
export function uploadPathProblem(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'the file name is empty';
  if (path.length > MAX_PATH) return `the file name is longer than ${MAX_PATH} characters`;
  if (/[\\:\u0000-\u001f\u007f]/.test(path)) return 'the file name holds a backslash, a colon or a control character';
  const parts = path.split('/');
  if (parts.length > MAX_DEPTH) return `the file lies more than ${MAX_DEPTH} folders deep`;
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..') return 'the file name is not a plain relative path (empty, "." or ".." part)';
    if (p.length > MAX_SEGMENT) return `a part of the file name is longer than ${MAX_SEGMENT} characters`;
  }
  return null;
}

export const UploadRequestSchema = z.object({
  files: z
    .array(
      z.object({
        path: z.string().max(MAX_PATH),
        size: z.number().int().nonnegative(),
      }),
    )
    .min(1),
});
export type UploadRequest = z.infer<typeof UploadRequestSchema>;

export const UploadImportSchema = z.object({
  layout: z.enum(['auto', 'files', 'msd', 'nnunet']).optional(),
  acceptLabelLikeImages: z.boolean().optional(),
});
export type UploadImportOptions = z.infer<typeof UploadImportSchema>;

/**
 * jobs.import's `upload` param, set by the upload route only: the paths lie in this upload's temporary folder, so
 * each case records what the user uploaded (names relative to it) as its origin, never that folder, which goes.
 */
export interface UploadedPaths {
  /** The upload's folder on the host (UploadStarted.folder). */
  readonly folder: string;
  /**
   * The folder (a name inside `folder`) the route gathered DICOM files picked without their folder into: its
   * series' cases are named from their DICOM attributes, since there is no folder name the user chose.
   */
  readonly looseDicom?: string;
}

export const UploadedPathsSchema = z
  .object({ folder: z.string().min(1).max(4096), looseDicom: z.string().min(1).max(MAX_SEGMENT).optional() })
  .strict();

export interface UploadStarted {
  readonly uploadId: string;
  /** The host folder the files land in: the import report names files under it. */
  readonly folder: string;
  readonly limits: UploadLimits;
}

/** The first problem of an upload request against `limits`, or null. */
export function uploadRequestProblem(request: UploadRequest, limits: UploadLimits): string | null {
  if (request.files.length > limits.maxFiles) return `${request.files.length} files are more than the ${limits.maxFiles} allowed at once`;
  const seen = new Set<string>();
  const folders = new Set<string>();
  let total = 0;
  for (const f of request.files) {
    const bad = uploadPathProblem(f.path);
    if (bad) return `'${f.path.slice(0, 200)}': ${bad}`;
    if (f.size > limits.maxFileBytes) return `'${f.path}' (${f.size} bytes) is larger than the ${limits.maxFileBytes} byte limit per file`;
    // case-insensitive file systems (macOS, Windows) would let two names share one file
    const key = f.path.toLowerCase();
    if (seen.has(key)) return `'${f.path}' is listed twice`;
    seen.add(key);
    const parts = key.split('/');
    for (let n = 1; n < parts.length; n++) folders.add(parts.slice(0, n).join('/'));
    total += f.size;
  }
  const clash = request.files.find((f) => folders.has(f.path.toLowerCase()));
  if (clash) return `'${clash.path}' is both a file and a folder`;
  if (total > limits.maxTotalBytes) return `the files hold ${total} bytes, more than the ${limits.maxTotalBytes} byte limit per upload`;
  return null;
}

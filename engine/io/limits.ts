/**
 * The one source of the size limits every reader enforces before it allocates, so a hostile header (a 3 MB
 * .nii.gz that claims 6 GiB, a DICOM with 65535 frames of 65535²) is refused by name instead of exhausting memory.
 * The byte limit is sized for CT (a 1024×1024×2000 float32 volume is 8 GiB, a 512×512×2000 int16 one 1 GiB) and can
 * be raised with the environment variable LOBULE_MAX_VOLUME_BYTES (bytes, or with a K/M/G/T suffix).
 */
import { LobuleError } from '../errors.js';

export const MAX_VOLUME_BYTES_ENV = 'LOBULE_MAX_VOLUME_BYTES';
export const DEFAULT_MAX_VOLUME_BYTES = 4 * 1024 ** 3;
/** Largest size of one volume axis: DICOM Rows/Columns are 16-bit, and no CT series has more slices than this. */
export const MAX_DIM = 65535;

const SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** The byte limit on one decoded volume (or one decompressed file), from LOBULE_MAX_VOLUME_BYTES or the default. */
export function maxVolumeBytes(): number {
  const raw = process.env[MAX_VOLUME_BYTES_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_VOLUME_BYTES;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(raw);
  const value = m ? Number(m[1]) * SUFFIX[m[2].toLowerCase()] : NaN;
  if (!(value >= 1) || !Number.isFinite(value)) {
    throw new LobuleError(
      'E_INVALID_ARGUMENT',
      `${MAX_VOLUME_BYTES_ENV}='${raw}' is not a size`,
      `Set it to a number of bytes, e.g. ${MAX_VOLUME_BYTES_ENV}=8G`,
    );
  }
  return Math.floor(value);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(2)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(2)} KiB`;
  return `${n} bytes`;
}

/**
 * Refuses a declared size (from a header, before anything is allocated or inflated) above the limit.
 * @throws LobuleError E_UNSUPPORTED naming the file, what declared the size, the limit and how to raise it.
 */
export function checkDeclaredBytes(bytes: number, file: string, what: string): void {
  const limit = maxVolumeBytes();
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new LobuleError(
      'E_CORRUPT',
      `'${file}': ${what} declares an impossible size (${bytes} bytes)`,
      'The header is damaged; export the file again',
    );
  }
  if (bytes > limit) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `'${file}': ${what} declares ${formatBytes(bytes)} (${bytes} bytes), over Lobule's limit of ${formatBytes(limit)} per volume`,
      `If the file is genuine, raise the limit with the environment variable ${MAX_VOLUME_BYTES_ENV} ` +
        `(e.g. ${MAX_VOLUME_BYTES_ENV}=16G) and start Lobule again`,
    );
  }
}

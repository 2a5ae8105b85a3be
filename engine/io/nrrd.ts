/**
 * NRRD reader (attached .nrrd and detached .nhdr; raw, gzip and ascii encodings; space directions/origin).
 * Hand-written: the npm NRRD parsers are unmaintained browser snippets without detached headers or gzip size
 * handling, and the format is a short text header followed by the voxels.
 */
import { constants as bufferConstants } from 'node:buffer';
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { LobuleError } from '../errors.js';
import type { Volume, VoxelArray } from '../common/volume.js';
import { invertAffine, isFiniteAffine } from '../common/affine.js';
import { checkReadableFile, gunzipAtMost, isGzip, readFileBytes, rethrowFsError } from './bytes.js';
import { validateDims, validateVolume } from './validate.js';

const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

type Ctor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => VoxelArray;

const TYPES: [string[], Ctor, number][] = [
  [['signed char', 'int8', 'int8_t'], Int8Array, 1],
  [['uchar', 'unsigned char', 'uint8', 'uint8_t'], Uint8Array, 1],
  [['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t'], Int16Array, 2],
  [['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t'], Uint16Array, 2],
  [['int', 'signed int', 'int32', 'int32_t'], Int32Array, 4],
  [['uint', 'unsigned int', 'uint32', 'uint32_t'], Uint32Array, 4],
  [['float'], Float32Array, 4],
  [['double'], Float64Array, 8],
];

/** Sign flips that take each NRRD space to RAS. */
const SPACES: Record<string, [number, number, number]> = {
  'left-posterior-superior': [-1, -1, 1],
  lps: [-1, -1, 1],
  'scanner-xyz': [-1, -1, 1],
  'right-anterior-superior': [1, 1, 1],
  ras: [1, 1, 1],
  '3d-right-handed': [1, 1, 1],
  'left-anterior-superior': [-1, 1, 1],
  las: [-1, 1, 1],
};

export interface NrrdHeader {
  readonly fields: Map<string, string>;
  readonly dataStart: number;
}

/** NRRD kinds of axes that lie in space or time; every other kind (RGB-color, vector, list, …) is per-voxel values. */
const DOMAIN_KINDS = new Set(['domain', 'space', 'time', '???', 'none']);

function bad(path: string, problem: string): LobuleError {
  return new LobuleError(
    'E_CORRUPT',
    `'${path}' is not a readable NRRD file: ${problem}`,
    'Export the labelmap again as .nrrd (raw or gzip)',
  );
}

export function parseNrrdHeader(bytes: Uint8Array, path: string): NrrdHeader {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (!/^NRRD000[1-5]$/.test(magic)) throw bad(path, `bad magic '${magic.replace(/[^\x20-\x7e]/g, '?')}' (expected NRRD0001..NRRD0005)`);
  const fields = new Map<string, string>();
  let pos = 0;
  let lineNo = 0;
  for (;;) {
    const nl = bytes.indexOf(10, pos);
    const end = nl < 0 ? bytes.length : nl;
    const line = Buffer.from(bytes.buffer, bytes.byteOffset + pos, end - pos)
      .toString('latin1')
      .replace(/\r$/, '');
    pos = nl < 0 ? bytes.length : nl + 1;
    if (lineNo++ === 0) continue;
    if (line === '' || nl < 0) break;
    if (line.startsWith('#') || line.includes(':=')) continue;
    const colon = line.indexOf(': ');
    if (colon < 0) throw bad(path, `header line '${line.slice(0, 60)}' is not 'field: value'`);
    fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 2).trim());
  }
  return { fields, dataStart: pos };
}

function vectors(s: string): (number[] | null)[] {
  return s
    .trim()
    .split(/\s+/)
    .map((tok) => (tok === 'none' ? null : tok.replace(/[()]/g, '').split(',').map(Number)));
}

function nrrdAffine(fields: Map<string, string>, path: string, spatial: number[]): Float64Array {
  const space = (fields.get('space') ?? 'left-posterior-superior').toLowerCase();
  const flip = SPACES[space];
  if (!flip)
    throw new LobuleError('E_UNSUPPORTED', `'${path}' uses NRRD space '${space}'`, 'Save it in left-posterior-superior (LPS) or RAS space');
  const dirs = fields.has('space directions')
    ? vectors(fields.get('space directions') as string).filter((v, n): v is number[] => v !== null && spatial.includes(n))
    : null;
  const spacings = (fields.get('spacings') ?? '1 1 1')
    .split(/\s+/)
    .map(Number)
    .filter((_, n) => spatial.includes(n));
  const origin = fields.has('space origin') ? (vectors(fields.get('space origin') as string)[0] ?? [0, 0, 0]) : [0, 0, 0];
  const a = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) a[r * 4 + c] = flip[r] * (dirs ? (dirs[c]?.[r] ?? NaN) : r === c ? (spacings[c] ?? 1) : 0);
    a[r * 4 + 3] = flip[r] * (origin[r] ?? NaN);
  }
  a[15] = 1;
  if (!isFiniteAffine(a)) throw bad(path, 'space directions/origin are missing or not finite');
  try {
    invertAffine(a);
  } catch {
    throw bad(path, 'space directions are degenerate (zero or parallel)');
  }
  return a;
}

/**
 * The detached data file of a .nhdr, only when it is a regular file in the header's folder or below: an absolute
 * path, a `..` step or a symlink out of the folder could make importing a header copy any readable file (e.g.
 * /etc/passwd) into a case, and a FIFO or device (/dev/zero) would hang or never end.
 */
async function detachedDataPath(headerPath: string, file: string): Promise<string> {
  const refuse = (why: string) =>
    new LobuleError(
      'E_UNSUPPORTED',
      `'${headerPath}' names data file '${file.slice(0, 200)}', ${why}`,
      'Keep the .raw/.raw.gz data file in the same folder as the .nhdr (or below it) and name it by a relative path',
    );
  if (isAbsolute(file) || /^[a-zA-Z]:/.test(file)) throw refuse('an absolute path');
  if (file.split(/[\\/]+/).includes('..')) throw refuse("a path that leaves the header's folder (..)");
  const folder = dirname(headerPath);
  const candidate = join(folder, file);
  await checkReadableFile(candidate, `NRRD data file of '${headerPath}'`);
  let real: string;
  let realFolder: string;
  try {
    [real, realFolder] = await Promise.all([realpath(candidate), realpath(folder)]);
  } catch (e) {
    return rethrowFsError(e, candidate, `NRRD data file of '${headerPath}'`);
  }
  const rel = relative(realFolder, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw refuse("a link that leads out of the header's folder");
  return candidate;
}

async function dataBytes(fields: Map<string, string>, bytes: Buffer, dataStart: number, path: string, voxelBytes: number): Promise<Buffer> {
  const file = fields.get('data file') ?? fields.get('datafile');
  let raw: Buffer;
  if (file) {
    if (/^LIST|%/.test(file))
      throw new LobuleError('E_UNSUPPORTED', `'${path}' splits its data over several files`, 'Save it as a single .nrrd');
    raw = await readFileBytes(await detachedDataPath(path, file), `NRRD data file of '${path}'`);
  } else {
    raw = bytes.subarray(dataStart);
  }
  const skip = Number(fields.get('byte skip') ?? 0);
  if (!Number.isInteger(skip) || skip < -1) throw bad(path, `byte skip '${fields.get('byte skip')}' is not a whole number ≥ -1`);
  const encoding = (fields.get('encoding') ?? 'raw').toLowerCase();
  if (encoding === 'gzip' || encoding === 'gz') {
    // byte skip -1 (data at the end) is defined for raw encoding only; it would need the whole stream inflated
    if (skip === -1)
      throw new LobuleError(
        'E_UNSUPPORTED',
        `'${path}' combines gzip encoding with byte skip -1`,
        'Save it with raw encoding, or without byte skip',
      );
    return gunzipAtMost(isGzip(raw) ? raw : raw.subarray(skip), voxelBytes, path);
  }
  if (encoding === 'raw') return skip >= 0 ? raw.subarray(skip) : raw;
  if (encoding === 'ascii' || encoding === 'text' || encoding === 'txt') return raw;
  throw new LobuleError('E_UNSUPPORTED', `'${path}' uses NRRD encoding '${encoding}'`, 'Save it with raw or gzip encoding');
}

export async function readNrrd(path: string): Promise<Volume> {
  const bytes = await readFileBytes(path, 'NRRD file');
  const { fields, dataStart } = parseNrrdHeader(bytes, path);
  const typeName = (fields.get('type') ?? '').toLowerCase();
  const type = TYPES.find(([names]) => names.includes(typeName));
  if (!type) throw new LobuleError('E_UNSUPPORTED', `'${path}' stores NRRD type '${typeName}'`, 'Save it as uchar, short, int or float');
  const sizes = (fields.get('sizes') ?? '').split(/\s+/).map(Number);
  if (Number(fields.get('dimension')) !== sizes.length || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw bad(path, `sizes '${fields.get('sizes')}' do not give ${fields.get('dimension')} positive integers`);
  }
  // non-spatial axes ('none' direction) are allowed only with size 1
  const dirTokens = fields.has('space directions') ? vectors(fields.get('space directions') as string) : sizes.map(() => [1]);
  // an axis of a range kind (RGB-color, vector, list, …) holds values per voxel, not a direction in space
  const kinds = (fields.get('kinds') ?? '').split(/\s+/).filter(Boolean);
  const ranged = sizes.map((_, n) => kinds[n] !== undefined && !DOMAIN_KINDS.has(kinds[n].toLowerCase()));
  const valued = ranged.findIndex((r, n) => r && sizes[n] > 1);
  if (valued >= 0) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `'${path}' holds ${sizes[valued]} values per voxel: axis ${valued + 1} has kind '${kinds[valued]}' (NRRD field ` +
        `kinds: ${fields.get('kinds')})`,
      'Lobule reads scalar volumes: save one channel (component) per file as a 3-D NRRD',
    );
  }
  const spatial = sizes.map((_, n) => n).filter((n) => dirTokens[n] !== null && !ranged[n]);
  if (spatial.length !== 3 || sizes.some((n, i) => !spatial.includes(i) && n !== 1)) {
    throw new LobuleError(
      'E_UNSUPPORTED',
      `'${path}' is not a 3-D scalar volume (sizes ${sizes.join(' ')})`,
      'Save one 3-D labelmap per file',
    );
  }
  const dims = spatial.map((n) => sizes[n]) as [number, number, number];
  const [, ArrayType, bpv] = type;
  const opts = { file: path, what: 'NRRD file' };
  validateDims(dims, bpv, opts, 'sizes');
  const affine = nrrdAffine(fields, path, spatial);
  const count = dims[0] * dims[1] * dims[2];
  const data = await dataBytes(fields, bytes, dataStart, path, count * bpv);
  if ((fields.get('encoding') ?? 'raw').match(/^(ascii|text|txt)$/i)) {
    if (data.length > MAX_STRING_LENGTH)
      throw new LobuleError(
        'E_UNSUPPORTED',
        `'${path}' holds ${data.length} bytes of ascii voxels, too many to parse as text`,
        'Save it with raw or gzip encoding',
      );
    const values = data.toString('latin1').trim().split(/\s+/, count).map(Number);
    if (values.length < count) throw bad(path, `ascii data has ${values.length} values, sizes need ${count}`);
    const nonNumber = values.findIndex((v) => !Number.isFinite(v));
    if (nonNumber >= 0) throw bad(path, `ascii value ${nonNumber} is not a number`);
    const out = new ArrayType(new ArrayBuffer(count * bpv), 0, count);
    for (let p = 0; p < count; p++) out[p] = values[p];
    return validateVolume({ data: out, dims, affine }, opts);
  }
  if (data.length < count * bpv)
    throw new LobuleError(
      'E_CORRUPT',
      `'${path}' is truncated: its header claims ${count * bpv} bytes of voxels but it holds ${data.length}`,
      'Export the labelmap again',
    );
  const own = new Uint8Array(count * bpv); // own, aligned buffer (the header precedes the data at any offset)
  own.set(
    data
      .subarray(data.length - count * bpv > 0 && fields.get('byte skip') === '-1' ? data.length - count * bpv : 0)
      .subarray(0, count * bpv),
  );
  if (bpv > 1 && (fields.get('endian') ?? 'little').toLowerCase() === 'big') {
    const b = Buffer.from(own.buffer);
    if (bpv === 2) b.swap16();
    else if (bpv === 4) b.swap32();
    else b.swap64();
  }
  return validateVolume({ data: new ArrayType(own.buffer, 0, count), dims, affine }, opts);
}

/** Writes small DICOM Part 10 files (explicit VR little endian dataset) for tests that need syntaxes or defects
 * the shared corpus does not have. Only the attributes Lobule reads are written. */
const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

function element(group: number, el: number, vr: string, value: Buffer): Buffer {
  const padded = value.length % 2 ? Buffer.concat([value, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]) : value;
  const head = Buffer.alloc(LONG_VRS.has(vr) ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(el, 2);
  head.write(vr, 4, 'latin1');
  if (LONG_VRS.has(vr)) head.writeUInt32LE(padded.length, 8);
  else head.writeUInt16LE(padded.length, 6);
  return Buffer.concat([head, padded]);
}

const str = (g: number, e: number, vr: string, s: string) => element(g, e, vr, Buffer.from(s, 'latin1'));
const us = (g: number, e: number, v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return element(g, e, 'US', b);
};

function encapsulated(frame: Uint8Array): Buffer {
  const item = (data: Uint8Array) => {
    const padded = data.length % 2 ? Buffer.concat([Buffer.from(data), Buffer.alloc(1)]) : Buffer.from(data);
    const h = Buffer.alloc(8);
    h.writeUInt16LE(0xfffe, 0);
    h.writeUInt16LE(0xe000, 2);
    h.writeUInt32LE(padded.length, 4);
    return Buffer.concat([h, padded]);
  };
  const head = Buffer.alloc(12);
  head.writeUInt16LE(0x7fe0, 0);
  head.writeUInt16LE(0x0010, 2);
  head.write('OB', 4, 'latin1');
  head.writeUInt32LE(0xffffffff, 8);
  const end = Buffer.alloc(8);
  end.writeUInt16LE(0xfffe, 0);
  end.writeUInt16LE(0xe0dd, 2);
  return Buffer.concat([head, item(new Uint8Array(0)), item(frame), end]);
}

export interface SliceSpec {
  transferSyntax: string;
  rows: number;
  columns: number;
  position: number[];
  orientation?: number[];
  pixelSpacing?: number[];
  seriesUid?: string;
  instanceUid: string;
  rescale?: { slope: number; intercept: number };
  /** PixelRepresentation: signed (default) or unsigned 16-bit stored values. */
  signed?: boolean;
  /** Raw little-endian int16 pixels (native syntaxes) or one compressed frame (encapsulated syntaxes). */
  pixelData: Uint8Array;
  encapsulated: boolean;
}

export function buildDicom(s: SliceSpec): Buffer {
  const sopClass = '1.2.840.10008.5.1.4.1.1.2';
  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    str(0x0002, 0x0002, 'UI', sopClass),
    str(0x0002, 0x0003, 'UI', s.instanceUid),
    str(0x0002, 0x0010, 'UI', s.transferSyntax),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length);
  const f = (v: number[]) => v.map((x) => String(x)).join('\\');
  const dataset = Buffer.concat([
    str(0x0008, 0x0016, 'UI', sopClass),
    str(0x0008, 0x0018, 'UI', s.instanceUid),
    str(0x0008, 0x0060, 'CS', 'CT'),
    str(0x0020, 0x000d, 'UI', '1.2.3.4'),
    str(0x0020, 0x000e, 'UI', s.seriesUid ?? '1.2.3.4.5'),
    str(0x0020, 0x0032, 'DS', f(s.position)),
    str(0x0020, 0x0037, 'DS', f(s.orientation ?? [1, 0, 0, 0, 1, 0])),
    us(0x0028, 0x0002, 1),
    str(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    us(0x0028, 0x0010, s.rows),
    us(0x0028, 0x0011, s.columns),
    str(0x0028, 0x0030, 'DS', f(s.pixelSpacing ?? [0.5, 0.5])),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 16),
    us(0x0028, 0x0102, 15),
    us(0x0028, 0x0103, s.signed === false ? 0 : 1),
    str(0x0028, 0x1052, 'DS', String(s.rescale?.intercept ?? 0)),
    str(0x0028, 0x1053, 'DS', String(s.rescale?.slope ?? 1)),
    s.encapsulated ? encapsulated(s.pixelData) : element(0x7fe0, 0x0010, 'OW', Buffer.from(s.pixelData)),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), element(0x0002, 0x0000, 'UL', groupLength), metaBody, dataset]);
}

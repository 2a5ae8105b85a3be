/**
 * JPEG Lossless (ITU T.81 process 14, Huffman, any predictor 1..7, point transform, restart intervals) for one
 * greyscale component, as DICOM's 1.2.840.10008.1.2.4.57 and .70 use it.
 *
 * Written by hand because the npm decoder (jpeg-lossless-decoder-js 2.1) drops the last pixel of a frame to 0
 * whenever its code ends right before the EOI marker (it treats the marker seen while refilling as the end of the
 * scan one sample early), which made real slices differ from dcmdjpeg/GDCM; no other maintained npm package decodes
 * process 14 outside a browser image-loader bundle.
 */

export interface JpegLosslessFrame {
  readonly width: number;
  readonly height: number;
  readonly precision: number;
  /** Samples as decoded (after the point transform), unsigned, `precision` bits. */
  readonly samples: Uint16Array;
}

class JpegError extends Error {}

interface Huffman {
  /** For each 16-bit lookahead: (code length << 8) | value, 0 where no code matches. */
  readonly lookup: Uint16Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const lookup = new Uint16Array(65536);
  let code = 0,
    k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let n = 0; n < counts[len - 1]; n++, k++) {
      if (k >= values.length) throw new JpegError('Huffman table has fewer values than its counts');
      // every 16-bit lookahead that starts with this code decodes to it
      const first = code << (16 - len);
      const span = 1 << (16 - len);
      const entry = (len << 8) | values[k];
      lookup.fill(entry, first, first + span);
      code++;
    }
    code <<= 1;
  }
  return { lookup };
}

/** Entropy-coded bits with byte stuffing (FF 00) removed; stops feeding real bits at any marker. */
class BitReader {
  private acc = 0;
  private bits = 0;
  marker = -1;
  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  private fill(): void {
    while (this.bits <= 23) {
      let b = 0;
      if (this.marker < 0 && this.pos < this.data.length) {
        b = this.data[this.pos];
        if (b === 0xff) {
          const next = this.data[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else {
            this.marker = next ?? 0xd9; // leave pos at the marker
            b = 0;
          }
        } else this.pos++;
      }
      this.acc = ((this.acc << 8) | b) >>> 0;
      this.bits += 8;
    }
  }

  peek16(): number {
    if (this.bits < 16) this.fill();
    return (this.acc >>> (this.bits - 16)) & 0xffff;
  }

  take(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    this.bits -= n;
    const v = (this.acc >>> this.bits) & ((1 << n) - 1);
    this.acc = (this.acc & (((1 << this.bits) >>> 0) - 1)) >>> 0;
    return v;
  }

  /** At a restart boundary: drop padding bits and step over the RSTn marker. */
  restart(): void {
    this.acc = 0;
    this.bits = 0;
    this.marker = -1;
    while (
      this.pos + 1 < this.data.length &&
      !(this.data[this.pos] === 0xff && this.data[this.pos + 1] >= 0xd0 && this.data[this.pos + 1] <= 0xd7)
    )
      this.pos++;
    this.pos += 2;
  }
}

function decodeDiff(reader: BitReader, table: Huffman): number {
  const entry = table.lookup[reader.peek16()];
  if (entry === 0) throw new JpegError('invalid Huffman code in the scan');
  reader.take(entry >> 8);
  const ssss = entry & 0xff;
  if (ssss === 0) return 0;
  if (ssss === 16) return 32768;
  if (ssss > 16) throw new JpegError(`difference category ${ssss} is larger than 16`);
  const extra = reader.take(ssss);
  return extra < 1 << (ssss - 1) ? extra - (1 << ssss) + 1 : extra;
}

function predict(sel: number, ra: number, rb: number, rc: number): number {
  switch (sel) {
    case 1:
      return ra;
    case 2:
      return rb;
    case 3:
      return rc;
    case 4:
      return ra + rb - rc;
    case 5:
      return ra + ((rb - rc) >> 1);
    case 6:
      return rb + ((ra - rc) >> 1);
    case 7:
      return (ra + rb) >> 1;
    default:
      throw new JpegError(`predictor ${sel} is not 1..7`);
  }
}

/** Decodes one JPEG Lossless frame; throws an Error saying what is wrong with the stream. */
export function decodeJpegLosslessFrame(data: Uint8Array): JpegLosslessFrame {
  const u16 = (o: number) => (data[o] << 8) | data[o + 1];
  if (data.length < 4 || u16(0) !== 0xffd8) throw new JpegError('JPEG stream does not start with SOI');
  const tables = new Map<number, Huffman>();
  let width = 0,
    height = 0,
    precision = 0,
    restartInterval = 0,
    componentId = -1;
  let pos = 2;
  while (pos + 4 <= data.length) {
    if (data[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = data[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9) break;
    const len = u16(pos + 2);
    const body = pos + 4;
    if (body + len - 2 > data.length) throw new JpegError(`marker FF${marker.toString(16)} runs past the end of the data`);
    if (marker === 0xc3) {
      precision = data[body];
      height = u16(body + 1);
      width = u16(body + 3);
      if (data[body + 5] !== 1) throw new JpegError(`${data[body + 5]} components; only greyscale (1) is read`);
      componentId = data[body + 6];
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new JpegError(`JPEG process with SOF marker FF${marker.toString(16).toUpperCase()} is not lossless Huffman (process 14)`);
    } else if (marker === 0xc4) {
      let p = body;
      while (p < body + len - 2) {
        const id = data[p] & 0x0f;
        const counts = data.subarray(p + 1, p + 17);
        const total = counts.reduce((s, c) => s + c, 0);
        tables.set(id, buildHuffman(counts, data.subarray(p + 17, p + 17 + total)));
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(body);
    } else if (marker === 0xda) {
      if (precision === 0) throw new JpegError('scan before the frame header (SOF3)');
      if (data[body] !== 1 || data[body + 1] !== componentId) throw new JpegError('scan does not code the single frame component');
      const table = tables.get(data[body + 2] >> 4);
      if (!table) throw new JpegError('scan uses an undefined Huffman table');
      const selector = data[body + 3];
      const pointTransform = data[body + 5] & 0x0f;
      const samples = new Uint16Array(width * height);
      decodeScan(new BitReader(data, body + len - 2), table, samples, width, height, precision - pointTransform, selector, restartInterval);
      if (pointTransform > 0) for (let i = 0; i < samples.length; i++) samples[i] <<= pointTransform;
      return { width, height, precision, samples };
    }
    pos = body + len - 2;
  }
  throw new JpegError('no scan (SOS) in the JPEG stream');
}

function decodeScan(
  reader: BitReader,
  table: Huffman,
  out: Uint16Array,
  width: number,
  height: number,
  bits: number,
  selector: number,
  restartInterval: number,
): void {
  const initial = 1 << (bits - 1);
  let sinceRestart = 0;
  let firstLine = true; // the first line of the image and of each restart interval predicts from the left only
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (restartInterval > 0 && sinceRestart === restartInterval) {
        reader.restart();
        sinceRestart = 0;
        firstLine = true;
      }
      const p = y * width + x;
      let pred: number;
      if (firstLine) pred = x === 0 ? initial : out[p - 1];
      else if (x === 0) pred = out[p - width];
      else pred = predict(selector, out[p - 1], out[p - width], out[p - width - 1]);
      out[p] = (pred + decodeDiff(reader, table)) & 0xffff; // modulo 2^16, T.81 H.2.2
      sinceRestart++;
    }
    firstLine = false; // restarts fall on line starts (T.81 H.1.1), where the check above sets it again
  }
}

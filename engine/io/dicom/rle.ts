/**
 * DICOM RLE Lossless (PS3.5 Annex G) by hand: no maintained npm package decodes it outside browser image-loader
 * bundles, and the format is a 64-byte header plus PackBits byte planes (most significant byte plane first).
 */
export function decodeRle(frame: Uint8Array, pixels: number, bytesPerSample: number, samplesPerPixel: number): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  const expected = bytesPerSample * samplesPerPixel;
  if (segments !== expected) throw new Error(`RLE frame has ${segments} segments, expected ${expected}`);
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    const sample = Math.floor(s / bytesPerSample);
    // segment s holds byte (bytesPerSample - 1 - s % bytesPerSample) of each sample, little-endian output
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const stride = expected;
    let o = sample * bytesPerSample + byteInSample;
    let written = 0;
    let p = start;
    while (p < end && written < pixels) {
      const n = (frame[p++] << 24) >> 24;
      if (n >= 0) {
        for (let c = 0; c <= n && written < pixels; c++, written++, o += stride) out[o] = frame[p++];
      } else if (n !== -128) {
        const v = frame[p++];
        for (let c = 0; c < 1 - n && written < pixels; c++, written++, o += stride) out[o] = v;
      }
    }
    if (written < pixels) throw new Error(`RLE segment ${s} ended after ${written} of ${pixels} pixels`);
  }
  return out;
}

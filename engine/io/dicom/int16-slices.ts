/**
 * The hot loop of reading a CT series: stored int16 values + Rescale Intercept → HU, rows flipped into the volume.
 * It runs on every voxel of every series (78 M for 512×512×300), and V8 does not vectorise a JavaScript loop: the best
 * one (two voxels per 32-bit word) took 10× the time of this WebAssembly SIMD kernel, eight voxels per instruction,
 * and was most of a read's CPU. No library does "add a constant to int16 values, and say if any left int16", so the
 * kernel is written here; its source is the WAT below, assembled with wabt 1.0.39's wat2wasm (simd, bulk memory).
 *
 * (module
 *   (memory (export "memory") 1)
 *   ;; adds $c to the $n int16 values at $p (n a multiple of 8) in place; 1 when every sum fits int16 and no value
 *   ;; has a bit of $mask set (0x8000 for unsigned stored values: above 32767 they are not the same int16)
 *   (func (export "add_i16") (param $p i32) (param $n i32) (param $c i32) (param $mask i32) (result i32)
 *     (local $end i32) (local $vc v128) (local $vm v128) (local $x v128) (local $sum v128) (local $bad v128)
 *     (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 1))))
 *     (local.set $vc (i16x8.splat (local.get $c)))
 *     (local.set $vm (i16x8.splat (local.get $mask)))
 *     (block $done
 *       (loop $next
 *         (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
 *         (local.set $x (v128.load (local.get $p)))
 *         (local.set $sum (i16x8.add (local.get $x) (local.get $vc)))
 *         ;; a lane overflowed where the wrapping sum differs from the saturating one
 *         (local.set $bad
 *           (v128.or (local.get $bad)
 *             (v128.or (v128.xor (local.get $sum) (i16x8.add_sat_s (local.get $x) (local.get $vc)))
 *                      (v128.and (local.get $x) (local.get $vm)))))
 *         (v128.store (local.get $p) (local.get $sum))
 *         (local.set $p (i32.add (local.get $p) (i32.const 16)))
 *         (br $next)))
 *     (i32.eqz (v128.any_true (local.get $bad))))
 *   ;; copies $rows rows of $rowBytes bytes from $src to $dst in reverse order (row r to row $rows − 1 − r)
 *   (func (export "flip_rows") (param $src i32) (param $dst i32) (param $rowBytes i32) (param $rows i32)
 *     (local $r i32)
 *     (block $done
 *       (loop $next
 *         (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
 *         (memory.copy
 *           (i32.add (local.get $dst)
 *             (i32.mul (i32.sub (i32.sub (local.get $rows) (i32.const 1)) (local.get $r)) (local.get $rowBytes)))
 *           (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rowBytes)))
 *           (local.get $rowBytes))
 *         (local.set $r (i32.add (local.get $r) (i32.const 1)))
 *         (br $next)))))
 */

const WASM_BASE64 =
  'AGFzbQEAAAABEAJgBH9/f38Bf2AEf39/fwADAwIAAQUDAQABByADBm1lbW9yeQIAB2FkZF9pMTYAAAlmbGlwX3Jvd3MAAQqiAQJpAgF/BXsgACABQQF0aiEEIAL9ECEFIAP9' +
  'ECEGAkADQCAAIARPDQEgAP0ABAAhByAHIAX9jgEhCCAJIAggByAF/Y8B/VEgByAG/U79UP1QIQkgACAI/QsEACAAQRBqIQAMAAsLIAn9U0ULNgEBfwJAA0AgBCADTw0BIAEg' +
  'A0EBayAEayACbGogACAEIAJsaiAC/AoAACAEQQFqIQQMAAsLCw==';

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  add_i16(p: number, n: number, c: number, mask: number): number;
  flip_rows(src: number, dst: number, rowBytes: number, rows: number): void;
}

/** The part of the WebAssembly API used here: @types/node 20 does not declare it (only TypeScript's DOM lib does). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The kernel's module; null where this machine's WebAssembly has no SIMD (x86 CPUs before SSE4.1). */
function kernelModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(Buffer.from(WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Places stored int16 slices into an int16 volume as stored value + intercept, rows flipped (dcm2niix layout). */
export interface Int16SliceWriter {
  /** Scratch space for a decoder to put a slice's stored values in (nx × ny 16-bit values): `place` then copies none. */
  readonly input: Uint8Array;
  /**
   * Writes `stored` + `inter` (an integer in int16 range) into slice k of `out`, rows flipped; false when a sum leaves
   * int16 or an unsigned stored value is above 32767 (slice k is then incomplete).
   */
  place(out: Int16Array, k: number, stored: Int16Array | Uint16Array, inter: number): boolean;
}

/**
 * A writer for nx × ny slices; null when the kernel cannot run here (no SIMD, or slices too big for its memory): the
 * caller then copies voxel by voxel, slower but the same values.
 */
export function int16SliceWriter(nx: number, ny: number): Int16SliceWriter | null {
  const module = kernelModule();
  if (module === null) return null;
  const values = nx * ny;
  const padded = Math.ceil(values / 8) * 8; // the kernel works on whole 16-byte vectors
  const sliceBytes = values * 2;
  const src = 0,
    dst = padded * 2;
  const pages = Math.ceil((2 * padded * 2) / 65536);
  let kernel: KernelExports;
  try {
    kernel = new wasm.Instance(module).exports as KernelExports;
    if (pages > 1) kernel.memory.grow(pages - 1);
  } catch {
    return null; // no address space for its memory, or slices over the 4 GB a 32-bit memory holds
  }
  // views made after the last grow stay valid: the memory never grows again
  const memory = new Uint8Array(kernel.memory.buffer);
  const input = memory.subarray(src, src + sliceBytes);
  const flipped = memory.subarray(dst, dst + sliceBytes);
  return {
    input,
    place(out, k, stored, inter) {
      if (stored.length !== values) throw new RangeError(`a slice has ${stored.length} values, not ${nx}×${ny}`);
      if (stored.buffer !== input.buffer || stored.byteOffset !== src)
        input.set(new Uint8Array(stored.buffer, stored.byteOffset, sliceBytes));
      memory.fill(0, src + sliceBytes, dst); // the padding: 0 + inter always fits
      const fits = kernel.add_i16(src, padded, inter, stored instanceof Uint16Array ? 0x8000 : 0) === 1;
      kernel.flip_rows(src, dst, nx * 2, ny);
      new Uint8Array(out.buffer, out.byteOffset + k * sliceBytes, sliceBytes).set(flipped);
      return fits;
    },
  };
}

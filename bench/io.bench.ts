/**
 * io.nifti_read: reading a 512×512×300 int16 .nii.gz (written first to os.tmpdir()) against plain
 * zlib.gunzipSync of the same file. Each phase runs in its own child process so peak RSS is the reader's own.
 * Goals (issue 2): ratio_to_gunzip ≤ 1.25, peak_rss_ratio < 3 (peak RSS / volume bytes).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { readNifti } from '../engine/io/nifti.js';
import { writeNifti } from '../engine/io/nifti-write.js';
import { makeVolume } from '../engine/common/volume.js';
import { peakRssBytes, printBench, round } from './util.js';

const DIMS = [512, 512, 300] as const;
const VOXELS = DIMS[0] * DIMS[1] * DIMS[2];
const VOLUME_BYTES = VOXELS * 2;

/** A CT-like phantom: air, an elliptic body of soft tissue with noise, a bone ring; compresses like real CT. */
async function writePhantom(path: string): Promise<void> {
  const data = new Int16Array(VOXELS);
  let seed = 12345;
  const [nx, ny, nz] = DIMS;
  for (let k = 0, p = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, p++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const noise = ((seed >> 16) & 63) - 32;
        const r = ((i - 256) / 200) ** 2 + ((j - 256) / 150) ** 2;
        data[p] = r > 1 ? -1000 + (noise >> 3) : r > 0.9 ? 700 + noise : r > 0.8 ? -100 + noise : 40 + noise + ((k * 7 + i) % 50);
      }
    }
  }
  await writeNifti(path, makeVolume(data, DIMS, [0.8, 0, 0, -200, 0, 0.8, 0, -200, 0, 0, 1.5, -300, 0, 0, 0, 1]), { compressionLevel: 6 });
}

function child(mode: string, path: string): Record<string, number> {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`bench child '${mode}' failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

async function timeBoth(path: string): Promise<Record<string, number>> {
  let gunzip = Infinity,
    read = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    let t = performance.now();
    const buf = zlib.gunzipSync(readFileSync(path));
    gunzip = Math.min(gunzip, performance.now() - t);
    if (buf.length < VOLUME_BYTES) throw new Error('phantom too small');
    t = performance.now();
    const vol = await readNifti(path);
    read = Math.min(read, performance.now() - t);
    if (vol.data.length !== VOXELS) throw new Error('read returned the wrong voxel count');
  }
  return { gunzip_ms: gunzip, read_ms: read };
}

async function main(): Promise<void> {
  const [mode, path] = process.argv.slice(2);
  if (mode === 'write') return writePhantom(path);
  if (mode === 'rss') {
    const vol = await readNifti(path);
    console.log(JSON.stringify({ peak: peakRssBytes(), voxels: vol.data.length }));
    return;
  }
  if (mode === 'time') {
    console.log(JSON.stringify(await timeBoth(path)));
    return;
  }
  const file = join(tmpdir(), `lobule-io-bench-${process.pid}.nii.gz`);
  try {
    const w = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'write', file], { stdio: 'inherit' });
    if (w.status !== 0) throw new Error('writing the phantom failed');
    const rss = child('rss', file);
    const t = child('time', file);
    printBench({
      bench: 'io.nifti_read',
      voxels_per_s: Math.round(VOXELS / (t.read_ms / 1000)),
      ratio_to_gunzip: round(t.read_ms / t.gunzip_ms),
      peak_rss_ratio: round(rss.peak / VOLUME_BYTES),
      read_ms: round(t.read_ms, 1),
      gunzip_ms: round(t.gunzip_ms, 1),
      volume_bytes: VOLUME_BYTES,
    });
  } finally {
    rmSync(file, { force: true });
  }
}

await main();

/**
 * Keep-largest-island and fill-holes stay lean on a full-size CT labelmap (512×512×300): the run-based
 * labelling must not grow the process by more than 100 MB, where the per-voxel flood fill it replaced took
 * ~630 MB (an Int32 label map and an Int32 queue). Measured in a child process, from its peak resident memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('512×512×300 liver, 3000 stray islands, a vessel bore: clean-up adds under 100 MB and gives the known counts', () => {
  const script = fileURLToPath(new URL('./fixtures/island-memory.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 120_000 });
  const r = JSON.parse(out) as {
    extraMb: number;
    removed: number;
    islandVoxels: number;
    bore: number;
    filled3d: number;
    filledSlices: number;
  };
  assert.ok(r.extraMb <= 100, `peak memory grew by ${r.extraMb.toFixed(1)} MB`);
  assert.equal(r.removed, r.islandVoxels, 'every stray island voxel removed, the liver kept');
  assert.equal(r.filled3d, 0, 'a bore open at both ends is no hole in 3-D');
  assert.equal(r.filledSlices, r.bore, 'per axial slice the bore is a hole and is filled exactly');
});

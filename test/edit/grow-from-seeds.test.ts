import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeedGrowth } from '../../engine/common/edit/growFromSeeds.js';

const line = (values: number[]) => ({
  dims: [values.length, 1, 1] as const,
  box: { min: [0, 0, 0] as const, max: [values.length - 1, 0, 0] as const },
});

test('two seeds split a two-tone line at its intensity edge', () => {
  const image = [0, 0, 0, 0, 0, 100, 100, 100, 100, 100];
  const { dims, box } = line(image);
  const g = new SeedGrowth(image, dims, box);
  const seeds = new Uint8Array(10);
  seeds[0] = 1;
  seeds[9] = 2;
  g.addSeeds(seeds);
  g.grow();
  assert.deepEqual([...g.labels], [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  // Path costs: one per step, plus the 100 HU edge for whoever crosses it.
  assert.deepEqual([...g.distances], [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]);
});

test('an added seed takes over only the voxels it is now closer to (incremental update)', () => {
  const image = [0, 0, 0, 0, 0, 100, 100, 100, 100, 100];
  const { dims, box } = line(image);
  const g = new SeedGrowth(image, dims, box);
  const seeds = new Uint8Array(10);
  seeds[0] = 1;
  seeds[9] = 2;
  g.addSeeds(seeds);
  g.grow();
  seeds[3] = 2;
  assert.equal(g.addSeeds(seeds), 1);
  const visited = g.grow();
  // Voxels 2 and 4 are one step from the new seed (2 and 4 steps from the old ones); voxel 1 stays with seed 0.
  assert.deepEqual([...g.labels], [1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
  assert.deepEqual([...g.distances], [0, 1, 1, 0, 1, 4, 3, 2, 1, 0]);
  assert.ok(visited <= 3, `only the seed and the voxels it improved are re-visited (${visited})`);
});

test('incremental updates give the same path lengths as a fresh run (random image, random seeds)', () => {
  const dims = [12, 10, 6] as const;
  const n = 720;
  let s = 7;
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const image = Array.from({ length: n }, () => Math.round(rand() * 300));
  const box = { min: [0, 0, 0] as const, max: [11, 9, 5] as const };
  const seeds = new Uint8Array(n);
  const incremental = new SeedGrowth(image, dims, box);
  for (let round = 0; round < 4; round++) {
    for (let m = 0; m < 5; m++) {
      const p = Math.floor(rand() * n);
      if (seeds[p] === 0) seeds[p] = 1 + (m % 3);
    }
    incremental.addSeeds(seeds);
    incremental.grow();
    const fresh = new SeedGrowth(image, dims, box);
    fresh.addSeeds(seeds);
    fresh.grow();
    assert.deepEqual([...incremental.distances], [...fresh.distances], `round ${round}`);
  }
});

test('a relabelled seed forces a full re-run, so its old region does not keep the old label', () => {
  const image = [0, 0, 0, 0, 0, 0];
  const { dims, box } = line(image);
  const g = new SeedGrowth(image, dims, box);
  g.addSeeds(Uint8Array.from([1, 0, 0, 0, 0, 2]));
  g.grow();
  g.addSeeds(Uint8Array.from([2, 0, 0, 0, 0, 2]));
  g.grow();
  assert.deepEqual([...g.labels], [2, 2, 2, 2, 2, 2]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelmapEditor } from '../../renderer/src/edit/labelmapEditor.js';
import type { LabelGrid } from '../../engine/common/edit/grid.js';
import { applyHollow, applyMargin } from '../../engine/common/edit/margin.js';
import { applyJointSmoothing, applySmoothing } from '../../engine/common/edit/smoothing.js';
import { applyLogical } from '../../engine/common/edit/logical.js';
import { applyIslands } from '../../engine/common/edit/islands.js';
import { applyScissors } from '../../engine/common/edit/scissors.js';
import { applyInterpolation } from '../../engine/common/edit/interpolate.js';
import { commitGrowth, SeedGrowth } from '../../engine/common/edit/growFromSeeds.js';
import { applyLocalThreshold } from '../../engine/common/edit/localThreshold.js';
import { DEFAULT_POLICY, type EditPolicy, type EditResult, type VoxelWriter } from '../../engine/common/edit/policy.js';
import { at, fillBall, fillBox, grid } from './helpers.js';

type Tool = (g: LabelGrid, policy: EditPolicy, write: VoxelWriter) => EditResult;

const image = (g: LabelGrid): Int16Array => Int16Array.from(g.labels, (v, p) => v * 80 + (p % 7) * 3);

const TOOLS: Record<string, Tool> = {
  'margin grow': (g, p, w) => applyMargin(g, 1, 2, p, w),
  'margin shrink': (g, p, w) => applyMargin(g, 1, -1.5, p, w),
  hollow: (g, p, w) => applyHollow(g, 1, 1, 'inside', p, w),
  median: (g, p, w) => applySmoothing(g, 1, 'median', 1.5, p, w),
  opening: (g, p, w) => applySmoothing(g, 1, 'opening', 2, p, w),
  closing: (g, p, w) => applySmoothing(g, 1, 'closing', 2, p, w),
  'joint smoothing': (g, p, w) => applyJointSmoothing(g, 1, 1.5, p, w),
  add: (g, p, w) => applyLogical(g, 'add', 1, 2, p, w),
  copy: (g, p, w) => applyLogical(g, 'copy', 1, 2, p, w),
  invert: (g, p, w) => applyLogical(g, 'invert', 1, null, p, w),
  clear: (g, p, w) => applyLogical(g, 'clear', 1, null, p, w),
  'keep largest island': (g, p, w) => applyIslands(g, 1, { kind: 'keepLargest' }, p, w),
  'remove small islands': (g, p, w) => applyIslands(g, 1, { kind: 'removeSmall', minMl: 0.01 }, p, w),
  'split islands': (g, p, w) => applyIslands(g, 1, { kind: 'split', minMl: 0 }, p, w),
  'keep selected island': (g, p, w) => applyIslands(g, 1, { kind: 'keepSelected', voxel: at(g, 18, 18, 6) }, p, w),
  scissors: (g, p, w) =>
    applyScissors(
      g,
      1,
      {
        normalAxis: 2,
        polygon: [
          [4, 4],
          [14, 6],
          [9, 15],
        ],
        action: 'erase',
        region: 'inside',
      },
      p,
      w,
    ),
  // Segment 3 is drawn on slices 3 and 8 across segments 1 and 2 (see scene): the slices between are filled.
  'interpolate slices': (g, p, w) => applyInterpolation(g, 3, p, w),
  // Maps over the whole grid: probability rises along i, so the threshold cuts the region at a known column.
  'local AI correction': (g, p, w) => {
    const data = Uint8Array.from(g.labels, (_, q) => Math.min(255, (q % g.dims[0]) * 12));
    const maps = { box: { min: [0, 0, 0], max: [g.dims[0] - 1, g.dims[1] - 1, g.dims[2] - 1] } as const, values: [1], data, scale: 255 };
    return applyLocalThreshold(g, maps, 1, { centres: [[9, 9, 6]], radiusMm: 6 }, 0.4, p, w);
  },
  'grow from seeds': (g, p, w) => {
    const growth = new SeedGrowth(image(g), g.dims, { min: [0, 0, 0], max: [g.dims[0] - 1, g.dims[1] - 1, g.dims[2] - 1] });
    growth.addSeedsFrom(g);
    growth.grow();
    return commitGrowth(g, growth, 1, p, w);
  },
};

/** Three segments with islands and touching borders, at anisotropic spacing. */
function scene(): LabelGrid {
  const g = grid([24, 22, 12], [0.8, 0.8, 1.5]);
  fillBall(g, [9, 9, 6], 5, 1);
  fillBox(g, [17, 17, 5], [19, 19, 7], 1);
  g.labels[at(g, 2, 20, 1)] = 1;
  fillBox(g, [14, 2, 2], [20, 8, 9], 2);
  fillBox(g, [2, 14, 8], [6, 18, 11], 3);
  fillBox(g, [8, 8, 3], [12, 10, 3], 3);
  fillBox(g, [10, 7, 8], [14, 11, 8], 3);
  return g;
}

const POLICIES: Record<string, EditPolicy> = {
  default: DEFAULT_POLICY,
  'inside 2, overwrite none': { area: { mode: 'inside', segment: 2 }, overwrite: 'none' },
  'outside any, visible, 3 hidden': { area: { mode: 'outside', segment: 'any' }, overwrite: 'visible', hidden: [3] },
};

for (const [name, tool] of Object.entries(TOOLS)) {
  test(`${name}: undo restores the labelmap bit for bit and redo reapplies it, under every policy`, () => {
    let changedSomewhere = false;
    for (const [policyName, policy] of Object.entries(POLICIES)) {
      const g = scene();
      const before = g.labels.slice();
      const editor = new LabelmapEditor(g.labels, g.dims, g.spacing);
      editor.beginStroke();
      const result = tool(g, policy, (p, v) => editor.write(p, v));
      editor.endStroke();
      const after = g.labels.slice();
      let differs = 0;
      for (let p = 0; p < before.length; p++) if (before[p] !== after[p]) differs++;
      assert.equal(result.changed, differs, `${policyName}: reported changes = voxels that differ`);
      if (policyName === 'default') assert.ok(differs > 0, 'the tool changed something on the default policy');
      changedSomewhere ||= differs > 0;
      if (differs > 0) {
        assert.ok(editor.undo());
        assert.deepEqual(g.labels, before, `${policyName}: undo`);
        assert.ok(editor.redo());
        assert.deepEqual(g.labels, after, `${policyName}: redo`);
      }
    }
    assert.ok(changedSomewhere);
  });
}

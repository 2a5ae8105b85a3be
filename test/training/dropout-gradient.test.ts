/**
 * The dropout rule's gradient, checked against the forward pass of the same run. Dropout draws a new mask on
 * every run, so a finite difference across runs compares two different functions; within one run, inverted
 * dropout is linear in x with out = x · m / (1 − p), so its exact gradient is dL/dx = dL/dout · out / x. A VJP
 * that forgot the 1/(1 − p) scale, used another mask, or passed dy through unchanged fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import { OnnxGraph } from '../../engine/onnx/graph.js';
import { Tape } from '../../engine/training/ir/tape.js';
import { mulberry32 } from '../../engine/common/rng.js';

const SHAPE = [1, 2, 4, 4, 4];
const N = SHAPE.reduce((a, b) => a * b, 1);

/** out = dropout(x) and g = d sum(out · r) / dx from one compiled graph (training mode). */
async function dropoutGraph(p: number, r: Float32Array): Promise<(x: Float32Array) => Promise<{ out: Float32Array; grad: Float32Array }>> {
  const g = new OnnxGraph('dropout');
  const tape = new Tape(g, true);
  const x = tape.leaf(g.input('x', 'float32', SHAPE), SHAPE, true);
  const out = tape.apply({ op: 'dropout', p, seed: 7 }, [x]);
  g.op('Identity', [out.name], {}, 'out');
  g.output('out', 'float32', SHAPE);
  const [grad] = tape.backward(out, [x], g.constant(r, SHAPE, 'r'));
  g.output(g.op('Identity', [grad], {}, 'grad'), 'float32', SHAPE);
  const session = await ort.InferenceSession.create(g.toBytes());
  return async (input) => {
    const res = await session.run({ x: new ort.Tensor('float32', input, SHAPE) });
    return { out: res.out.data as Float32Array, grad: res.grad.data as Float32Array };
  };
}

const rng = mulberry32(5);
const r = Float32Array.from({ length: N }, () => rng() * 2 - 1);
// Inputs bounded away from 0, so out / x is the mask times the scale exactly.
const x = Float32Array.from({ length: N }, () => (rng() < 0.5 ? -1 : 1) * (0.5 + rng()));

for (const p of [0.2, 0.5]) {
  test(`dropout p=${p}: gradient = r · out / x, i.e. the forward's own mask scaled by 1/(1 − p)`, async () => {
    const run = await dropoutGraph(p, r);
    const { out, grad } = await run(x);
    let dropped = 0;
    for (let i = 0; i < N; i++) {
      const m = out[i] / x[i];
      // The forward itself: every voxel is either dropped or scaled by exactly 1/(1 − p).
      assert.ok(Math.abs(m) < 1e-6 || Math.abs(m - 1 / (1 - p)) < 1e-5, `voxel ${i}: out/x = ${m}`);
      if (Math.abs(m) < 1e-6) dropped++;
      assert.ok(Math.abs(grad[i] - r[i] * m) < 1e-5, `voxel ${i}: gradient ${grad[i]}, expected ${r[i] * m}`);
    }
    // With 128 voxels a mask that drops nothing or everything would make the check above vacuous.
    assert.ok(dropped > 0.5 * p * N && dropped < Math.min(N, 1.5 * p * N), `${dropped} of ${N} dropped at p = ${p}`);
  });
}

test('dropout p=0 is the identity in both directions', async () => {
  const { out, grad } = await (await dropoutGraph(0, r))(x);
  assert.deepEqual([...out], [...x]);
  assert.deepEqual([...grad], [...r]);
});

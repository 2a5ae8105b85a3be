/**
 * Each IR rule on its own: hand-computed values for the rules whose maths is easiest to get wrong, and a central
 * finite-difference check of every rule's VJP on tiny tensors (L = sum(out * r) for a fixed random r).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import { OnnxGraph } from '../../engine/onnx/graph.js';
import { Tape } from '../../engine/training/ir/tape.js';
import type { OpCall } from '../../engine/training/ir/rules.js';
import { mulberry32 } from '../../engine/common/rng.js';

interface Built {
  run(inputs: Float32Array[]): Promise<{ out: Float32Array; grads: Float32Array[] }>;
}

/** One rule as a graph: inputs x0..xk, output 'out', and gradients of sum(out * r) w.r.t. the differentiable inputs. */
async function buildRule(
  call: OpCall,
  shapes: number[][],
  differentiable: boolean[],
  r?: Float32Array,
): Promise<Built & { outShape: number[] }> {
  const g = new OnnxGraph('rule');
  const tape = new Tape(g, true);
  const ins = shapes.map((s, i) => tape.leaf(g.input(`x${i}`, 'float32', s), s, differentiable[i]));
  const out = tape.apply(call, ins);
  g.op('Identity', [out.name], {}, 'out');
  g.output('out', 'float32', out.shape);
  const outCount = out.shape.reduce((a, b) => a * b, 1);
  const seed = r ?? Float32Array.from({ length: outCount }, () => 1);
  const wrt = ins.filter((v) => v.requiresGrad);
  const grads = tape.backward(out, wrt, g.constant(seed, out.shape, 'seed'));
  grads.forEach((name, i) => g.output(g.op('Identity', [name], {}, `g${i}`), 'float32', wrt[i].shape));
  const session = await ort.InferenceSession.create(g.toBytes());
  return {
    outShape: out.shape as number[],
    async run(inputs) {
      const feeds = Object.fromEntries(inputs.map((d, i) => [`x${i}`, new ort.Tensor('float32', d, shapes[i])]));
      const res = await session.run(feeds);
      return { out: res.out.data as Float32Array, grads: wrt.map((_, i) => res[`g${i}`].data as Float32Array) };
    },
  };
}

test('hand-computed: maxpool2 routes the gradient to the argmax; upsample2 sums each 2x2x2 block; relu masks', async () => {
  const x = Float32Array.from({ length: 8 }, (_, i) => [3, 1, 4, 1, 5, 9, 2, 6][i]);
  const pool = await buildRule({ op: 'maxpool2' }, [[1, 1, 2, 2, 2]], [true]);
  const p = await pool.run([x]);
  assert.deepEqual([...p.out], [9]);
  assert.deepEqual([...p.grads[0]], [0, 0, 0, 0, 0, 1, 0, 0]);
  const up = await buildRule(
    { op: 'upsample2' },
    [[1, 1, 1, 1, 1]],
    [true],
    Float32Array.from({ length: 8 }, (_, i) => i + 1),
  );
  const u = await up.run([new Float32Array([2])]);
  assert.deepEqual([...u.out], [2, 2, 2, 2, 2, 2, 2, 2]);
  assert.deepEqual([...u.grads[0]], [36]);
  const relu = await buildRule({ op: 'relu' }, [[1, 1, 1, 1, 4]], [true], new Float32Array([1, 2, 3, 4]));
  assert.deepEqual([...(await relu.run([new Float32Array([-1, 2, 0, 3])])).grads[0]], [0, 2, 0, 4]);
});

test('hand-computed: soft Dice of p = [1, 0], y = [1, 1] is 1 - (2 + e)/(3 + e) with dL/dp = (2+e)/(3+e)^2 - 2/(3+e)', async () => {
  const e = 1e-5;
  const dice = await buildRule(
    { op: 'dice', eps: e },
    [
      [1, 1, 1, 1, 2],
      [1, 1, 1, 1, 2],
    ],
    [true, false],
    new Float32Array([1]),
  );
  const { out, grads } = await dice.run([new Float32Array([1, 0]), new Float32Array([1, 1])]);
  assert.ok(Math.abs(out[0] - (1 - (2 + e) / (3 + e))) < 1e-6);
  const expected = (2 + e) / (3 + e) ** 2 - 2 / (3 + e);
  for (const gi of grads[0]) assert.ok(Math.abs(gi - expected) < 1e-6, `${gi} vs ${expected}`);
});

test('hand-computed: unshuffle2 puts voxel (2z+dz, 2y+dy, 2x+dx) in channel dz*4+dy*2+dx, and shuffle2 inverts it', async () => {
  const x = Float32Array.from({ length: 8 }, (_, i) => i); // index = x + 2(y + 2z)
  const un = await buildRule({ op: 'unshuffle2' }, [[1, 1, 2, 2, 2]], [true]);
  assert.deepEqual([...(await un.run([x])).out], [0, 1, 2, 3, 4, 5, 6, 7]);
  const sh = await buildRule({ op: 'shuffle2' }, [[1, 8, 1, 1, 2]], [true]);
  const y = Float32Array.from({ length: 16 }, (_, i) => i); // channel c, x position i -> value c*2 + i
  const out = (await sh.run([y])).out;
  assert.equal(out.length, 16);
  // Output [1, 1, 2, 2, 4]: voxel (z, y, x) = (dz, dy, 2*i + dx) holds channel dz*4 + dy*2 + dx at position i.
  for (let z = 0; z < 2; z++)
    for (let yy = 0; yy < 2; yy++)
      for (let xx = 0; xx < 4; xx++) {
        const c = z * 4 + yy * 2 + (xx % 2);
        assert.equal(out[xx + 4 * (yy + 2 * z)], c * 2 + Math.floor(xx / 2));
      }
});

const S = [1, 2, 4, 4, 4];
const CASES: { name: string; call: OpCall; shapes: number[][]; diff: boolean[]; positive?: number[] }[] = [
  { name: 'conv 3x3x3', call: { op: 'conv', k: 3, pad: 1 }, shapes: [S, [3, 2, 3, 3, 3], [3]], diff: [true, true, true] },
  { name: 'conv 1x1x1', call: { op: 'conv', k: 1, pad: 0 }, shapes: [S, [3, 2, 1, 1, 1], [3]], diff: [true, true, true] },
  { name: 'instance norm', call: { op: 'instnorm', eps: 1e-5 }, shapes: [S, [2], [2]], diff: [true, true, true] },
  { name: 'leaky relu', call: { op: 'leakyrelu', alpha: 0.1 }, shapes: [S], diff: [true] },
  { name: 'bias add', call: { op: 'biasAdd' }, shapes: [S, [2]], diff: [true, true] },
  { name: 'concat', call: { op: 'concat' }, shapes: [S, [1, 3, 4, 4, 4]], diff: [true, true] },
  { name: 'add', call: { op: 'add' }, shapes: [S, S], diff: [true, true] },
  { name: 'unshuffle2', call: { op: 'unshuffle2' }, shapes: [S], diff: [true] },
  { name: 'shuffle2', call: { op: 'shuffle2' }, shapes: [[1, 8, 2, 2, 2]], diff: [true] },
  { name: 'upsample2', call: { op: 'upsample2' }, shapes: [S], diff: [true] },
  { name: 'transpose', call: { op: 'transpose', perm: [1, 2, 3, 4, 0] }, shapes: [[2, 3, 2, 2, 2]], diff: [true] },
  { name: 'reshape', call: { op: 'reshape', shape: [3, 16, 1, 1, 1] }, shapes: [[2, 3, 2, 2, 2]], diff: [true] },
  { name: 'slice channels', call: { op: 'sliceChannels', start: 1 }, shapes: [[1, 3, 2, 2, 2]], diff: [true] },
  { name: 'sigmoid', call: { op: 'sigmoid' }, shapes: [S], diff: [true] },
  { name: 'softmax', call: { op: 'softmax' }, shapes: [[1, 3, 2, 2, 2]], diff: [true] },
  { name: 'dice', call: { op: 'dice', eps: 1e-5 }, shapes: [S, S], diff: [true, false], positive: [0, 1] },
  {
    name: 'dice over the batch',
    call: { op: 'dice', eps: 1e-5, overBatch: true },
    shapes: [
      [2, 2, 2, 2, 2],
      [2, 2, 2, 2, 2],
    ],
    diff: [true, false],
    positive: [0, 1],
  },
  { name: 'bce with logits', call: { op: 'bceLogits' }, shapes: [S, S], diff: [true, false], positive: [1] },
  {
    name: 'softmax cross-entropy',
    call: { op: 'softmaxCE' },
    shapes: [
      [1, 3, 2, 2, 2],
      [1, 3, 2, 2, 2],
    ],
    diff: [true, false],
    positive: [1],
  },
];

for (const c of CASES) {
  test(`finite differences match the VJP of rule ${c.call.op} (${c.name})`, async () => {
    const rnd = mulberry32(c.name.length * 7919);
    // Values in 0.2..1 (probabilities, labels) or +-(0.2..1): away from ReLU and |x| kinks.
    const inputs = c.shapes.map((s, i) =>
      Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => {
        const m = 0.2 + 0.8 * rnd();
        return c.positive?.includes(i) ? m : rnd() < 0.5 ? -m : m;
      }),
    );
    const probe = await buildRule(c.call, c.shapes, c.diff);
    const count = probe.outShape.reduce((a, b) => a * b, 1);
    const r = Float32Array.from({ length: count }, () => rnd() - 0.5);
    const rule = await buildRule(c.call, c.shapes, c.diff, r);
    const base = await rule.run(inputs);
    const lossAt = async () => (await rule.run(inputs)).out.reduce((s, v, i) => s + v * r[i], 0);
    const h = 1e-2;
    let gi = 0;
    for (let i = 0; i < inputs.length; i++) {
      if (!c.diff[i]) continue;
      const grad = base.grads[gi++];
      for (let j = 0; j < inputs[i].length; j++) {
        const x0 = inputs[i][j];
        inputs[i][j] = x0 + h;
        const up = await lossAt();
        inputs[i][j] = x0 - h;
        const down = await lossAt();
        inputs[i][j] = x0;
        const fd = (up - down) / (2 * h);
        assert.ok(Math.abs(fd - grad[j]) <= 2e-3 + 2e-2 * Math.abs(grad[j]), `input ${i}[${j}]: finite difference ${fd} vs VJP ${grad[j]}`);
      }
    }
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from '../../engine/onnx/ort.js';
import { OnnxGraph, attr } from '../../engine/onnx/graph.js';

test('a graph built with OnnxGraph runs in ONNX Runtime and computes conv + sigmoid', async () => {
  const g = new OnnxGraph('probe');
  g.input('x', 'float32', ['N', 1, 2, 2, 2]);
  const w = g.initializer('w', new Float32Array([2]), [1, 1, 1, 1, 1]);
  const b = g.initializer('b', new Float32Array([-1]), [1]);
  const conv = g.op('Conv', ['x', w, b], { kernel_shape: attr.ints([1, 1, 1]) });
  g.op('Sigmoid', [conv], {}, 'y');
  g.output('y', 'float32', ['N', 1, 2, 2, 2]);
  const session = await ort.InferenceSession.create(g.toBytes());
  const x = new Float32Array([0, 0.5, 1, 2, 0, 0, 0, 0]);
  const out = await session.run({ x: new ort.Tensor('float32', x, [1, 1, 2, 2, 2]) });
  const y = out.y.data as Float32Array;
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i] - 1 / (1 + Math.exp(-(2 * x[i] - 1)))) < 1e-6);
});

import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LandscapeEvaluator } from './evaluator';
import { interpolateLoss } from './interpolate';
import { linearModel, matmul, mse, values } from './test-utils/fixtures';
import { snapshotWeights } from './weights';

const X = [
  [1, 0, 2],
  [0.5, -1, 0],
  [0, 1, 1],
  [-1, 2, 0.5],
];
const Y = [
  [1, 0],
  [0, 1],
  [1, 1],
  [0.5, -0.5],
];
const W_FROM = [
  [0.1, 0.2],
  [0.3, -0.4],
  [0, 1],
];
const W_TO = [
  [1, -1],
  [0.5, 0.5],
  [-0.2, 0.3],
];

function mseRef(w: number[][]): number {
  const out = matmul(X, w);
  return out.reduce((s, r, i) => s + r.reduce((t, v, k) => t + (v - Y[i][k]) ** 2, 0), 0) / X.length;
}

describe('interpolateLoss', () => {
  it('is the loss at (1 - a) from + a to, restores the weights, leaves no tensors', () => {
    const model = linearModel(W_FROM);
    const ev = new LandscapeEvaluator(model, { x: tf.tensor2d(X), y: tf.tensor2d(Y) }, { loss: mse });
    const from = [tf.tensor2d(W_FROM)];
    const to = [tf.tensor2d(W_TO)];
    const w0 = values(ev.variables);
    const before = tf.memory().numTensors;
    const line = interpolateLoss(ev, from, to, { steps: 9 });
    expect(tf.memory().numTensors).toBe(before);
    expect(values(ev.variables)).toEqual(w0);
    expect(line.alphas).toEqual([-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(line.accuracy).toBeUndefined();
    line.alphas.forEach((a, i) => {
      const w = W_FROM.map((r, p) => r.map((v, k) => (1 - a) * v + a * W_TO[p][k]));
      expect(line.loss[i]).toBeCloseTo(mseRef(w), 4);
    });
    expect(() => interpolateLoss(ev, [], to)).toThrow(/expected 1 weights/);
    expect(() => interpolateLoss(ev, from, [tf.zeros([2, 2])])).toThrow(/to\[0\] expected shape \[3,2\]/);
    tf.dispose([...from, ...to]);
    ev.dispose();
    model.dispose();
  });

  it('moves batch-norm statistics too (all weights), with moving variances clamped at 0 beyond the ends', () => {
    const input = tf.input({ shape: [2] });
    const dense = tf.layers.dense({ units: 3, name: 'd' });
    const bn = tf.layers.batchNormalization({ name: 'bn' });
    const model = tf.model({ inputs: input, outputs: bn.apply(dense.apply(input)) as tf.SymbolicTensor });
    const from = snapshotWeights(model);
    expect(from.length).toBe(model.weights.length); // kernel, bias, gamma, beta, moving mean, moving variance
    const to = from.map((t, i) => (model.weights[i].name.includes('moving_variance') ? tf.fill(t.shape, 0.2) : tf.add(t, 0.1)));
    const ev = new LandscapeEvaluator(model, {
      x: tf.tensor2d([
        [1, 2],
        [3, -1],
      ]),
      y: tf.tensor1d([0, 2], 'int32'),
    });
    const line = interpolateLoss(ev, from, to, { alphas: [0, 1, 1.5] });
    expect(line.loss.every(Number.isFinite)).toBe(true);
    // Only the trainable weights: the statistics stay as they are.
    const trainable = snapshotWeights(model, 'trainable');
    expect(trainable.length).toBe(4);
    const flat = interpolateLoss(ev, trainable, trainable, { alphas: [0, 2] });
    expect(flat.loss[0]).toBeCloseTo(flat.loss[1], 6);
    tf.dispose([...from, ...to, ...trainable]);
    ev.dispose();
    model.dispose();
  });
});

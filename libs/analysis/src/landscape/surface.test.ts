import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LandscapeError } from './errors';
import { LandscapeEvaluator } from './evaluator';
import { lossSurface } from './surface';
import { mlp, spirals, values } from './test-utils/fixtures';

// Softmax regression in plain JS: mean cross-entropy and accuracy of x W + b against labels.
function reference(x: number[][], labels: number[], w: number[][], b: number[]): { loss: number; acc: number } {
  let loss = 0;
  let correct = 0;
  x.forEach((row, n) => {
    const z = b.map((bk, k) => bk + row.reduce((s, xi, i) => s + xi * w[i][k], 0));
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
    loss += lse - z[labels[n]];
    if (z.indexOf(m) === labels[n]) correct++;
  });
  return { loss: loss / x.length, acc: correct / x.length };
}

function softmaxModel(w: number[][], b: number[]): tf.LayersModel {
  const input = tf.input({ shape: [2] });
  const dense = tf.layers.dense({ units: 3, name: 'sm' });
  const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
  return model;
}

const X = [
  [1, 0.5],
  [-0.3, 2],
  [0.7, -1.2],
  [-1, -0.4],
  [0.2, 0.1],
];
const LABELS = [0, 1, 2, 1, 0];
const W = [
  [0.5, -0.2, 0.1],
  [0.3, 0.8, -0.6],
];
const B = [0.1, 0, -0.1];

describe('lossSurface', () => {
  it('puts the loss at theta + alphas[i] d1 + betas[j] d2 in loss[i][j] (non-square grid, explicit directions)', () => {
    const model = softmaxModel(W, B);
    const ev = new LandscapeEvaluator(model, { x: tf.tensor2d(X), y: tf.tensor1d(LABELS, 'int32') }, { batchSize: 2 });
    const d1w = [
      [1, 0, -1],
      [0, 2, 0],
    ];
    const d1b = [0.5, 0, 0];
    const d2w = [
      [0, 1, 0],
      [-1, 0, 1],
    ];
    const d2b = [0, 0, -0.3];
    const dirs: [tf.Tensor[], tf.Tensor[]] = [
      [tf.tensor2d(d1w), tf.tensor1d(d1b)],
      [tf.tensor2d(d2w), tf.tensor1d(d2b)],
    ];
    const alphas = [-1, 0, 0.5];
    const betas = [-0.5, 0, 1, 2];
    const w0 = values(ev.variables);
    const before = tf.memory().numTensors;
    const s = lossSurface(ev, { alphas, betas, directions: dirs });
    expect(tf.memory().numTensors).toBe(before);
    expect(values(ev.variables)).toEqual(w0);
    expect(s.loss.length).toBe(3);
    expect(s.loss[0].length).toBe(4);
    alphas.forEach((a, i) =>
      betas.forEach((bb, j) => {
        const w = W.map((r, p) => r.map((v, k) => v + a * d1w[p][k] + bb * d2w[p][k]));
        const b = B.map((v, k) => v + a * d1b[k] + bb * d2b[k]);
        const ref = reference(X, LABELS, w, b);
        expect(s.loss[i][j]).toBeCloseTo(ref.loss, 5);
        expect(s.accuracy![i][j]).toBeCloseTo(ref.acc, 6);
      }),
    );
    tf.dispose(dirs.flat());
    ev.dispose();
    model.dispose();
  });

  it('seeded filter-normalized directions: reproducible, biases fixed, centre = current loss', () => {
    const model = softmaxModel(W, B);
    const ev = new LandscapeEvaluator(model, { x: tf.tensor2d(X), y: tf.tensor1d(LABELS, 'int32') });
    const a = lossSurface(ev, { steps: 5, range: 0.5, seed: 3 });
    const b = lossSurface(ev, { steps: 5, range: 0.5, seed: 3 });
    const c = lossSurface(ev, { steps: 5, range: 0.5, seed: 4 });
    expect(a.alphas).toEqual([-0.5, -0.25, 0, 0.25, 0.5]);
    expect(a.loss).toEqual(b.loss);
    expect(a.loss).not.toEqual(c.loss);
    expect(a.loss[2][2]).toBeCloseTo(reference(X, LABELS, W, B).loss, 6);
    expect(() => lossSurface(ev, { steps: 0 })).toThrow(LandscapeError);
    expect(() => lossSurface(ev, { directions: [[tf.zeros([2, 3])], [tf.zeros([2, 3])]] })).toThrow(/shaped like the trainable variables/);
    ev.dispose();
    model.dispose();
  });

  it('a 21 x 21 grid on a 12 x 24 MLP (spirals) finishes with finite values and leaves no tensors', () => {
    {
      const model = mlp(12, 24, { kind: 'sugar', surrogate: { name: 'bsilu' } }, 1);
      const { x, y } = spirals(256);
      const ev = new LandscapeEvaluator(model, { x, y });
      const w0 = values(ev.variables);
      const base = ev.measure().loss;
      const before = tf.memory().numTensors;
      const s = lossSurface(ev);
      expect(tf.memory().numTensors).toBe(before);
      expect(values(ev.variables)).toEqual(w0);
      expect(s.alphas.length).toBe(21);
      expect(s.loss.every((r) => r.length === 21 && r.every(Number.isFinite))).toBe(true);
      expect(s.loss[10][10]).toBeCloseTo(base, 5);
      ev.dispose();
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});

import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { filterNormalize, filterNormalizedDirection, filterNorms, randomDirection } from './directions';
import { LandscapeError } from './errors';

// Reference: norms of the slices along the last axis (or last two for depthwise), in plain JS.
function refFilterNorms(t: tf.Tensor, filterAxes = 1): number[] {
  const v = t.dataSync();
  const filters = t.shape.slice(t.rank - filterAxes).reduce((a, b) => a * b, 1);
  const sums = new Array(filters).fill(0);
  v.forEach((x, i) => (sums[i % filters] += x * x));
  return sums.map(Math.sqrt);
}

describe('filterNorms', () => {
  it('is the L2 norm of each output unit / channel (last axis)', () => {
    const k = tf.tensor2d([
      [3, 0],
      [4, 1],
    ]); // columns: [3, 4] and [0, 1]
    expect(Array.from(filterNorms(k).dataSync())).toEqual([5, 1]);
    const conv = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 1);
    const ours = filterNorms(conv).dataSync();
    refFilterNorms(conv).forEach((r, i) => expect(ours[i]).toBeCloseTo(r, 5));
    expect(() => filterNorms(tf.ones([3]))).toThrow(LandscapeError);
    tf.dispose([k, conv]);
  });
});

describe('filterNormalize', () => {
  it("rescales each filter of the direction to the weight's filter norm; biases zeroed ('biasbn')", () => {
    const weights = [
      tf.variable(tf.randomNormal([5, 3], 0, 2, 'float32', 2), true, 'fn/dense/kernel'),
      tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'fn/dense/bias'),
      tf.variable(tf.randomNormal([3, 3, 3, 4], 0, 0.1, 'float32', 3), true, 'fn/conv/kernel'),
      tf.variable(tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 4), true, 'fn/dw/depthwise_kernel'),
    ];
    const before = tf.memory().numTensors;
    const d = filterNormalizedDirection(weights, 7);
    expect(tf.memory().numTensors).toBe(before + weights.length);
    for (const i of [0, 2]) {
      const want = refFilterNorms(weights[i]);
      const got = refFilterNorms(d[i]);
      want.forEach((w, f) => expect(got[f]).toBeCloseTo(w, 4));
    }
    // depthwise: one filter per (input channel, multiplier) pair
    const want = refFilterNorms(weights[3], 2);
    refFilterNorms(d[3], 2).forEach((g, f) => expect(g).toBeCloseTo(want[f], 4));
    expect(want.length).toBe(4);
    expect(Array.from(d[1].dataSync())).toEqual([0, 0, 0]);
    // Direction only rescaled per filter: same sign pattern and proportions within a filter as the raw draw.
    const raw = randomDirection(weights, 7);
    const r = raw[0].arraySync() as number[][];
    const n = d[0].arraySync() as number[][];
    for (let c = 0; c < 3; c++) expect(n[1][c] / n[0][c]).toBeCloseTo(r[1][c] / r[0][c], 3);
    tf.dispose([...d, ...raw, ...weights]);
  });

  it("ignore 'none' copies 1-D weights (Li et al.'s default); seeds are reproducible and distinct", () =>
    tf.tidy(() => {
      const w = [
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
        tf.tensor1d([0.5, -0.5]),
      ];
      const d = filterNormalize(randomDirection(w, 1), w, { ignore: 'none' });
      expect(Array.from(d[1].dataSync())).toEqual([0.5, -0.5]);
      const a = randomDirection(w, 1, 0)[0].dataSync();
      const b = randomDirection(w, 1, 0)[0].dataSync();
      const c = randomDirection(w, 1, 1)[0].dataSync();
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
      expect(() => filterNormalize([w[0]], w)).toThrow(/one direction tensor per weight/);
      expect(() => filterNormalize(w, w, { ignore: 'bias' as never })).toThrow(LandscapeError);
    }));
});

import { initBackend, tf } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProbeTaps } from './probe-taps';

beforeAll(async () => {
  await initBackend('cpu', { quiet: true });
});

const X = [
  [1, 0],
  [0, 1],
  [-1, 2],
];
const rows = (t: tf.Tensor) => t.arraySync() as number[][];

describe('ProbeTaps', () => {
  it("reads a fused Dense(relu)'s pre-activation x W + b through its linear twin, with the layer's current weights", () => {
    const dense = tf.layers.dense({ inputShape: [2], units: 2, activation: 'relu' });
    const model = tf.sequential({ layers: [dense, tf.layers.dense({ units: 1 })] });
    dense.setWeights([
      tf.tensor2d([
        [1, -1],
        [2, 0],
      ]),
      tf.tensor1d([0.5, -1]),
    ]);
    const next = [
      tf.tensor2d([
        [0, 0],
        [0, 1],
      ]),
      tf.tensor1d([0, 0]),
    ];
    const x = tf.tensor2d(X);
    const start = tf.memory().numTensors;
    const taps = new ProbeTaps(model, [dense]);
    taps.sync();
    const read = () =>
      tf.tidy(() => {
        const { pre, post } = taps.read(x).get(dense)!;
        return { pre: rows(pre), post: rows(post) };
      });
    const first = read();
    expect(first.pre).toEqual([
      [1.5, -2],
      [2.5, -1],
      [3.5, 0],
    ]);
    expect(first.post).toEqual([
      [1.5, 0],
      [2.5, 0],
      [3.5, 0],
    ]);
    // New weights reach the twin at the next sync, not before.
    dense.setWeights(next);
    expect(read().pre).toEqual(first.pre);
    taps.sync();
    expect(read().pre).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
    ]);
    taps.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, ...next]);
  });

  it('reads layers of a Sequential nested in a functional model, fed by the outer model', () => {
    const inner = tf.sequential({ layers: [tf.layers.reLU({ inputShape: [2], name: 'inner_relu' })] });
    const input = tf.input({ shape: [2] });
    const shift = tf.layers.dense({ units: 2, kernelInitializer: 'identity', biasInitializer: tf.initializers.constant({ value: -1 }) });
    const model = tf.model({ inputs: input, outputs: inner.apply(shift.apply(input)) as tf.SymbolicTensor });
    const relu = inner.getLayer('inner_relu');
    const taps = new ProbeTaps(model, [relu]);
    const x = tf.tensor2d(X);
    const got = tf.tidy(() => {
      const { pre, post } = taps.read(x).get(relu)!;
      return [rows(pre), rows(post)];
    });
    expect(got).toEqual([
      [
        [0, -1],
        [-1, 0],
        [-2, 1],
      ],
      [
        [0, 0],
        [0, 0],
        [0, 1],
      ],
    ]);
    x.dispose();
  });

  it('refuses a layer used twice, and a layer not in the model', () => {
    const shared = tf.layers.reLU();
    const input = tf.input({ shape: [2] });
    const model = tf.model({ inputs: input, outputs: shared.apply(shared.apply(input)) as tf.SymbolicTensor });
    expect(() => new ProbeTaps(model, [shared])).toThrow(/layer '.*' must be used exactly once in the model; found 2 uses/);
    const stranger = tf.layers.reLU({ name: 'stranger' });
    expect(() => new ProbeTaps(model, [stranger])).toThrow(/layers 'stranger' are not reachable from model/);
  });
});

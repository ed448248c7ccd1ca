import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { layerNorm } from './layer-norm';
import { PatchMerging } from './patch-merging';
import { checkBlock, expectClose, onBackend, seeded, wrap } from './test-utils/blocks';

describe('PatchMerging', () => {
  it("concatenates each 2x2 neighbourhood in Swin's order, normalizes and reduces", async () => {
    await onBackend('cpu');
    const m = wrap((x) => new PatchMerging({ name: 'pm', seed: 1 }).apply(x) as tf.SymbolicTensor, [4, 6, 3]);
    const x = seeded([2, 4, 6, 3], 2);
    const [gamma, beta, kernel] = m.getLayer('pm').getWeights();
    expect(kernel.shape).toEqual([12, 6]);
    const xs = x.arraySync() as number[][][][];
    // Swin: x0 = x[:, 0::2, 0::2], x1 = x[:, 1::2, 0::2], x2 = x[:, 0::2, 1::2], x3 = x[:, 1::2, 1::2]
    const merged = xs.map((img) =>
      Array.from({ length: 2 }, (_, i) =>
        Array.from({ length: 3 }, (_, j) =>
          [
            [0, 0],
            [1, 0],
            [0, 1],
            [1, 1],
          ].flatMap(([dr, dc]) => img[2 * i + dr][2 * j + dc]),
        ),
      ),
    );
    const want = tf.matMul(tf.reshape(layerNorm(tf.tensor4d(merged), gamma, beta, 1e-5), [-1, 12]), kernel);
    expectClose((m.predict(x) as tf.Tensor).dataSync(), want.dataSync(), 1e-5, 'patch merging');
    m.dispose();
  });

  it('names the layer on an odd map', () => {
    expect(() => new PatchMerging({ name: 'merge' }).apply(tf.input({ shape: [5, 4, 3] }))).toThrow(
      "PatchMerging 'merge': option 'inputShape' must be even height and width; found [null,5,4,3]",
    );
  });

  it('forward, backward and save/load on every backend', async () => {
    await checkBlock((x) => new PatchMerging({ seed: 3 }).apply(x) as tf.SymbolicTensor, [4, 4, 4], { className: 'PatchMerging' });
  });
});

import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { PatchEmbedding } from './patch-embedding';
import { checkBlock, expectClose, onBackend, seeded, wrap } from './test-utils/blocks';

describe('PatchEmbedding', () => {
  it.each([
    [[8, 8, 3], 4],
    [[7, 9, 2], 2],
    [[6, 6, 1], 1],
  ])('equals conv2d(kernel = stride = patch, valid) + bias on %j, patch %i', async (shape, p) => {
    await onBackend('cpu');
    const m = wrap((x) => new PatchEmbedding({ name: 'pe', patchSize: p, filters: 5, seed: 1 }).apply(x) as tf.SymbolicTensor, shape);
    const [kernel] = m.getLayer('pe').getWeights();
    m.getLayer('pe').setWeights([kernel, seeded([5], 2)]);
    const x = seeded([2, ...shape], 3) as tf.Tensor4D;
    const want = tf.add(tf.conv2d(x, kernel as tf.Tensor4D, p, 'valid'), m.getLayer('pe').getWeights()[1]);
    const got = m.predict(x) as tf.Tensor;
    expect(got.shape).toEqual(want.shape);
    expectClose(got.dataSync(), want.dataSync(), 1e-6, 'patch embedding vs conv2d');
    tf.dispose([x, want, got]);
    m.dispose();
  });

  it('names the layer when the input is smaller than a patch', () => {
    const input = tf.input({ shape: [2, 8, 3] });
    expect(() => new PatchEmbedding({ name: 'stem', patchSize: 4, filters: 8 }).apply(input)).toThrow(
      "PatchEmbedding 'stem': option 'inputShape' must be height and width >= patchSize 4; found [null,2,8,3]",
    );
    expect(() => new PatchEmbedding({ patchSize: 0, filters: 8 })).toThrow(/'patchSize' must be an integer >= 1; found 0/);
  });

  it('forward, backward and save/load on every backend', async () => {
    await checkBlock((x) => new PatchEmbedding({ patchSize: 2, filters: 6, seed: 4 }).apply(x) as tf.SymbolicTensor, [4, 6, 3], {
      className: 'PatchEmbedding',
    });
  });
});

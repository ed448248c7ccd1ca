import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { PositionEmbedding } from './position-embedding';
import { checkBlock, onBackend, seeded, wrap } from './test-utils/blocks';

describe('PositionEmbedding', () => {
  it('adds one learned vector per position, the same for every sample', async () => {
    await onBackend('cpu');
    const m = wrap((x) => new PositionEmbedding({ name: 'pos', seed: 1 }).apply(x) as tf.SymbolicTensor, [3, 2]);
    const pos = m.getLayer('pos').getWeights()[0];
    expect(pos.shape).toEqual([1, 3, 2]);
    const x = seeded([2, 3, 2], 1);
    const got = (m.predict(x) as tf.Tensor).arraySync();
    expect(got).toEqual(tf.add(x, pos).arraySync());
    m.dispose();
  });

  it('forward, backward and save/load on every backend', async () => {
    await checkBlock((x) => new PositionEmbedding({ seed: 2 }).apply(x) as tf.SymbolicTensor, [5, 4], { className: 'PositionEmbedding' });
  });
});

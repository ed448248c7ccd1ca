import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LayerNorm } from './layer-norm';
import { checkBlock, onBackend, wrap } from './test-utils/blocks';

describe('LayerNorm', () => {
  it('normalizes each pixel over its channels: (x - mean) / sqrt(var + eps) * gamma + beta', async () => {
    await onBackend('cpu');
    const m = wrap((x) => new LayerNorm({ name: 'ln', epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor, [2, 1, 3]);
    m.getLayer('ln').setWeights([tf.tensor1d([1, 2, 0.5]), tf.tensor1d([0, -1, 3])]);
    const px = [
      [1, 2, 6],
      [-3, 0, 0],
    ];
    const got = (m.predict(tf.tensor4d([px.map((p) => [p])])) as tf.Tensor).arraySync() as number[][][][];
    px.forEach((p, i) => {
      const mean = (p[0] + p[1] + p[2]) / 3;
      const v = p.reduce((a, q) => a + (q - mean) ** 2, 0) / 3;
      const want = p.map((q, c) => ((q - mean) / Math.sqrt(v + 1e-5)) * [1, 2, 0.5][c] + [0, -1, 3][c]);
      got[0][i][0].forEach((g, c) => expect(g).toBeCloseTo(want[c], 5));
    });
    m.dispose();
  });

  it('rejects a non-positive epsilon, naming the layer', () => {
    expect(() => new LayerNorm({ name: 'n1', epsilon: 0 })).toThrow("LayerNorm 'n1': option 'epsilon' must be a number > 0; found 0");
  });

  it('forward, backward and save/load on every backend (NHWC and token sequences)', async () => {
    await checkBlock((x) => new LayerNorm({ epsilon: 1e-6 }).apply(x) as tf.SymbolicTensor, [3, 4, 5], { className: 'LayerNorm' });
    await checkBlock((x) => new LayerNorm().apply(x) as tf.SymbolicTensor, [6, 8], { className: 'LayerNorm' });
  });
});

import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LayerScale } from './layer-scale';
import { checkBlock, onBackend, wrap } from './test-utils/blocks';

describe('LayerScale', () => {
  it('scales each channel by a learned gamma that starts at initValue', async () => {
    await onBackend('cpu');
    const m = wrap((x) => new LayerScale({ name: 'ls', initValue: 0.5 }).apply(x) as tf.SymbolicTensor, [2, 3]);
    expect(Array.from(m.getLayer('ls').getWeights()[0].dataSync())).toEqual([0.5, 0.5, 0.5]);
    m.getLayer('ls').setWeights([tf.tensor1d([1, -2, 3])]);
    const got = (
      m.predict(
        tf.tensor3d([
          [
            [1, 1, 1],
            [2, 0.5, -1],
          ],
        ]),
      ) as tf.Tensor
    ).arraySync();
    expect(got).toEqual([
      [
        [1, -2, 3],
        [2, -1, -3],
      ],
    ]);
    expect(() => new LayerScale({ name: 'bad', initValue: NaN })).toThrow("LayerScale 'bad': option 'initValue' must be a finite number");
    m.dispose();
  });

  it('forward, backward and save/load on every backend', async () => {
    await checkBlock((x) => new LayerScale({ initValue: 1e-6 }).apply(x) as tf.SymbolicTensor, [3, 3, 4], { className: 'LayerScale' });
  });
});

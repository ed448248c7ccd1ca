import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { ClassToken, ClassTokenPool } from './class-token';
import { checkBlock, onBackend, seeded, wrap } from './test-utils/blocks';

describe('ClassToken and ClassTokenPool', () => {
  it('prepend one learned token per sample; the pool returns it', async () => {
    await onBackend('cpu');
    const m = wrap((x) => new ClassToken({ name: 'cls', seed: 1 }).apply(x) as tf.SymbolicTensor, [3, 2]);
    m.getLayer('cls').setWeights([tf.tensor3d([[[7, -7]]])]);
    const x = seeded([2, 3, 2], 1);
    const out = m.predict(x) as tf.Tensor;
    expect(out.shape).toEqual([2, 4, 2]);
    const rows = out.arraySync() as number[][][];
    expect(rows.map((r) => r[0])).toEqual([
      [7, -7],
      [7, -7],
    ]);
    expect(rows.map((r) => r.slice(1))).toEqual(x.arraySync());
    const pooled = new ClassTokenPool().apply(out) as tf.Tensor;
    expect(pooled.arraySync()).toEqual([
      [7, -7],
      [7, -7],
    ]);
    m.dispose();
  });

  it('forward, backward and save/load on every backend', async () => {
    await checkBlock((x) => new ClassToken({ seed: 2 }).apply(x) as tf.SymbolicTensor, [5, 4], { className: 'ClassToken' });
    await checkBlock((x) => new ClassTokenPool().apply(x) as tf.SymbolicTensor, [5, 4], { className: 'ClassTokenPool' });
  });
});

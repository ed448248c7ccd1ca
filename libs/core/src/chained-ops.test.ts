import { describe, expect, it } from 'vitest';
import { initBackend, tf } from './index';

describe('chained ops', () => {
  it('exist on every backend and equal the functional ops', async () => {
    await initBackend('cpu', { quiet: true });
    const x = tf.tensor2d([
      [1, -2],
      [3, 4],
    ]);
    const c = tf.tensor2d(
      [
        [1, 0],
        [0, 1],
      ],
      undefined,
      'bool',
    );
    expect(x.mul(2).sum().dataSync()).toEqual(tf.sum(tf.mul(x, 2)).dataSync());
    expect(x.relu().dataSync()).toEqual(tf.relu(x).dataSync());
    expect(x.matMul(x, false, true).dataSync()).toEqual(tf.matMul(x, x, false, true).dataSync());
    expect(x.where(c, tf.zerosLike(x)).dataSync()).toEqual(new Float32Array([1, 0, 0, 4]));
    expect(x.concat(x, 1).shape).toEqual([2, 4]);
    expect(x.stack(x).shape).toEqual([2, 2, 2]);
    expect(x.as1D().shape).toEqual([4]);
    expect(x.toInt().dtype).toBe('int32');
    expect(() => x.asScalar()).toThrow(/only 1 element/);
    x.dispose();
    expect(() => x.sum()).toThrow(/disposed/);
  });
});

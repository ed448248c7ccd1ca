import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { DropPath } from './drop-path';
import { checkBlock, onBackend, wrap } from './test-utils/blocks';

const masks = (layer: DropPath, calls: number, batch: number) =>
  Array.from({ length: calls }, () => tf.tidy(() => Array.from((layer.apply(tf.ones([batch, 2, 2, 3]), { training: true }) as tf.Tensor).dataSync())));

describe('DropPath', () => {
  it('is the identity at inference', async () => {
    await onBackend('cpu');
    const m = wrap((x) => new DropPath({ rate: 0.5, seed: 1 }).apply(x) as tf.SymbolicTensor, [4]);
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 3);
    expect(Array.from((m.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
    m.dispose();
  });

  it('in training drops whole samples with probability rate and scales the rest by 1 / (1 - rate)', async () => {
    await onBackend('cpu');
    const layer = new DropPath({ rate: 0.25, seed: 5 });
    const outs = masks(layer, 200, 16);
    let kept = 0;
    for (const out of outs) {
      for (let s = 0; s < 16; s++) {
        const sample = out.slice(s * 12, (s + 1) * 12);
        expect(new Set(sample).size, 'one factor per sample').toBe(1);
        expect([0, 1 / 0.75]).toContainEqual(expect.closeTo(sample[0], 6));
        if (sample[0] !== 0) kept++;
      }
    }
    // 3200 Bernoulli(0.75) draws: mean 0.75, std 0.0077.
    expect(kept / 3200).toBeGreaterThan(0.72);
    expect(kept / 3200).toBeLessThan(0.78);
  });

  it('draws a fresh mask each call; the same seed gives the same sequence', async () => {
    await onBackend('cpu');
    const [a, b, c] = [
      masks(new DropPath({ rate: 0.5, seed: 9 }), 4, 32),
      masks(new DropPath({ rate: 0.5, seed: 9 }), 4, 32),
      masks(new DropPath({ rate: 0.5, seed: 10 }), 4, 32),
    ];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => new DropPath({ rate: 1, name: 'dp' })).toThrow("DropPath 'dp': option 'rate' must be a number in [0, 1); found 1");
  });

  it('forward, backward and save/load on every backend', async () => {
    await checkBlock((x) => new DropPath({ rate: 0.2, seed: 3 }).apply(x) as tf.SymbolicTensor, [3, 3, 4], { className: 'DropPath', batch: 4 });
  });
});

import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { MultiHeadSelfAttention } from './multi-head-attention';
import { relativePositionIndex, shiftedWindowMask, WindowAttention } from './window-attention';
import { checkBlock, expectClose, onBackend, seeded, wrap } from './test-utils/blocks';

describe('WindowAttention', () => {
  it("indexes Swin's relative position table like the official implementation", () => {
    // relative_position_index of Swin for a 2x2 window.
    expect(relativePositionIndex(2)).toEqual([4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4]);
  });

  it('masks token pairs that the cyclic shift brought from different regions', () => {
    // 4x4 map, 2x2 windows, shift 1: regions per axis are {0,1}, {2}, {3}.
    const mask = shiftedWindowMask(4, 4, 2, 1);
    const windowMask = (wi: number) => Array.from(mask.slice(wi * 16, wi * 16 + 16)).map((v) => (v === 0 ? 0 : 1));
    expect(windowMask(0)).toEqual(new Array(16).fill(0)); // top-left window: one region
    // window (0,1): columns 2 and 3 are different regions -> tokens 0,2 vs 1,3
    expect(windowMask(1)).toEqual([0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0]);
    // bottom-right window: all four tokens come from different regions
    expect(windowMask(3)).toEqual([0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
  });

  it('without shift and with a zero bias table, equals self-attention inside each window', async () => {
    await onBackend('cpu');
    const m = wrap((x) => new WindowAttention({ name: 'wa', numHeads: 2, windowSize: 2, seed: 1 }).apply(x) as tf.SymbolicTensor, [4, 4, 8]);
    const [wqkv, bqkv, wo, bo, table] = m.getLayer('wa').getWeights();
    m.getLayer('wa').setWeights([wqkv, seeded(bqkv.shape, 2), wo, seeded(bo.shape, 3), tf.zerosLike(table)]);
    const mhsa = wrap((x) => new MultiHeadSelfAttention({ name: 'mhsa', numHeads: 2 }).apply(x) as tf.SymbolicTensor, [4, 8]);
    mhsa.getLayer('mhsa').setWeights(m.getLayer('wa').getWeights().slice(0, 4));
    const x = seeded([1, 4, 4, 8], 4);
    const got = (m.predict(x) as tf.Tensor).arraySync() as number[][][][];
    const xs = x.arraySync() as number[][][][];
    for (const [r0, c0] of [
      [0, 0],
      [0, 2],
      [2, 0],
      [2, 2],
    ]) {
      const tokens = [
        [r0, c0],
        [r0, c0 + 1],
        [r0 + 1, c0],
        [r0 + 1, c0 + 1],
      ];
      const want = (mhsa.predict(tf.tensor3d([tokens.map(([r, c]) => xs[0][r][c])])) as tf.Tensor).arraySync() as number[][][];
      expectClose(
        tokens.flatMap(([r, c]) => got[0][r][c]),
        want[0].flat(),
        1e-5,
        `window at ${r0},${c0}`,
      );
    }
    m.dispose();
    mhsa.dispose();
  });

  it('gets one window and no shift on a map no larger than the window, as Swin does', async () => {
    await onBackend('cpu');
    const big = wrap((x) => new WindowAttention({ name: 'wa', numHeads: 1, windowSize: 7, shiftSize: 3 }).apply(x) as tf.SymbolicTensor, [4, 4, 4]);
    expect(big.getLayer('wa').getWeights()[4].shape).toEqual([49, 1]); // (2*4-1)^2 offsets of a 4x4 window
    big.dispose();
    expect(() => new WindowAttention({ numHeads: 1, windowSize: 4, shiftSize: 4 })).toThrow(/'shiftSize' must be an integer in \[0, windowSize 4\)/);
    const input = tf.input({ shape: [6, 8, 4] });
    expect(() => new WindowAttention({ name: 'w', numHeads: 1, windowSize: 4 }).apply(input)).toThrow(
      /'inputShape' must be height and width divisible by windowSize 4/,
    );
  });

  it('forward, backward and save/load on every backend, shifted and not', async () => {
    for (const shiftSize of [0, 1]) {
      await checkBlock((x) => new WindowAttention({ numHeads: 2, windowSize: 2, shiftSize, seed: 5 }).apply(x) as tf.SymbolicTensor, [4, 4, 8], {
        className: 'WindowAttention',
      });
    }
  });
});

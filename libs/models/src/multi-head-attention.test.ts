import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { MultiHeadSelfAttention } from './multi-head-attention';
import { checkBlock, expectClose, onBackend, seeded, wrap } from './test-utils/blocks';

/** Attention written head by head from the definition, for one sample [n, C]. */
function byHand(x: tf.Tensor2D, [wqkv, bqkv, wo, bo]: tf.Tensor[], heads: number): tf.Tensor2D {
  const c = x.shape[1];
  const hd = c / heads;
  const qkv = tf.add(tf.matMul(x, wqkv as tf.Tensor2D), bqkv);
  const outs: tf.Tensor2D[] = [];
  for (let h = 0; h < heads; h++) {
    const col = (s: number) => tf.slice(qkv, [0, s * c + h * hd], [-1, hd]) as tf.Tensor2D;
    const scores = tf.div(tf.matMul(col(0), col(1), false, true), Math.sqrt(hd));
    outs.push(tf.matMul(tf.softmax(scores), col(2)));
  }
  return tf.add(tf.matMul(tf.concat(outs, 1), wo as tf.Tensor2D), bo);
}

describe('MultiHeadSelfAttention', () => {
  it('equals per-head softmax(q k^T / sqrt(d)) v, concatenated and projected', async () => {
    await onBackend('cpu');
    const m = wrap((x) => new MultiHeadSelfAttention({ name: 'attn', numHeads: 2, seed: 3 }).apply(x) as tf.SymbolicTensor, [5, 8]);
    const w = m.getLayer('attn').getWeights();
    m.getLayer('attn').setWeights([w[0], seeded([24], 4), w[2], seeded([8], 5)]);
    const x = seeded([2, 5, 8], 1);
    const got = m.predict(x) as tf.Tensor;
    const weights = m.getLayer('attn').getWeights();
    const want = tf.stack([0, 1].map((i) => byHand(tf.reshape<tf.Rank.R2>(tf.slice(x, [i, 0, 0], [1, 5, 8]), [5, 8]), weights, 2)));
    expectClose(got.dataSync(), want.dataSync(), 1e-5, 'attention vs by hand');
    m.dispose();
  });

  it('names the layer when the heads do not divide the channels', () => {
    const input = tf.input({ shape: [4, 6] });
    expect(() => new MultiHeadSelfAttention({ name: 'mhsa', numHeads: 4 }).apply(input)).toThrow(
      "MultiHeadSelfAttention 'mhsa': option 'numHeads' must be a divisor of the 6 channels; found 4",
    );
  });

  it('forward, backward and save/load on every backend', async () => {
    await checkBlock((x) => new MultiHeadSelfAttention({ numHeads: 2, seed: 1 }).apply(x) as tf.SymbolicTensor, [5, 8], {
      className: 'MultiHeadSelfAttention',
    });
  });
});

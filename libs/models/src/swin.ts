import { tf, type OptionSchema } from '@sugar-lab/core';
import { ModelConfigError } from './errors';
import { dropRates, ModernMaker, resolveOptions, type ModernModelOptions } from './modern-maker';

export type SwinSize = 'tiny';

/** Embedding width of stage 1, blocks and heads per stage: Swin-T (Liu et al. 2021). */
export const SWIN_SIZES: Record<SwinSize, { dim: number; depths: number[]; heads: number[] }> = {
  tiny: { dim: 96, depths: [2, 2, 6, 2], heads: [3, 6, 12, 24] },
};

/** The activation defaults to GELU. */
export interface SwinOptions extends ModernModelOptions {
  /** Side of the square patches. Default 2 (32x32 -> stages at 16, 8, 4, 2); 4 is the ImageNet Swin. */
  patchSize?: number;
  /** Attention window side. Default 4 for 32x32 inputs; 7 is the ImageNet Swin. */
  windowSize?: number;
  /** Width multiplier; stage 1's width is rounded to a multiple of its heads. Default 1. */
  width?: number;
  /** Stochastic depth rate of the last block (linear from 0). Default 0. */
  dropPath?: number;
}

export const SWIN_OPTIONS: OptionSchema = {
  patchSize: { type: 'number', integer: true, min: 1, default: 2, description: 'patch side (4: the ImageNet Swin)' },
  windowSize: { type: 'number', integer: true, min: 1, default: 4, description: 'attention window side (7: the ImageNet Swin)' },
  width: { type: 'number', min: 0, exclusiveMin: true, default: 1, description: 'stage-1 width multiplier, rounded to a multiple of its heads' },
  dropPath: { type: 'number', min: 0, max: 1, exclusiveMax: true, default: 0, description: 'stochastic depth rate of the last block (linear from 0)' },
};

/**
 * Swin Transformer (Liu et al. 2021; timm's NHWC layout): patch embedding + LayerNorm; four stages,
 * stages 2-4 opening with patch merging; blocks alternate plain and shifted (by window / 2) window
 * attention with relative position bias, x + attn(LN(x)), x + mlp(LN(x)), MLP ratio 4, LayerNorm
 * eps 1e-5; LN -> global average pool -> fc. The activation spec goes into every block's MLP
 * (`stage{s}_block{b}_act`; GELU as published).
 */
export function swin(size: SwinSize, options: SwinOptions, registryName = `swin-${size}`): tf.LayersModel {
  const o = resolveOptions<Required<SwinOptions>>(registryName, SWIN_OPTIONS, options, 3);
  const { depths, heads, dim: baseDim } = SWIN_SIZES[size];
  const dim = Math.max(heads[0], Math.round((baseDim * o.width) / heads[0]) * heads[0]);
  const [h, w] = o.inputShape as [number, number];
  const step = o.patchSize * 8;
  if (h % step || w % step)
    throw new ModelConfigError(registryName, 'inputShape', `height and width divisible by 8 x patchSize = ${step} (three patch mergings)`, o.inputShape);
  const m = new ModernMaker(o.seed, o.activation);
  const rates = dropRates(
    depths.reduce((a, b) => a + b, 0),
    o.dropPath,
  );

  const input = tf.input({ shape: o.inputShape, name: 'input' });
  let x = m.norm(m.patch(input, 'patch_embed', o.patchSize, dim), 'patch_norm', 1e-5);
  let k = 0;
  depths.forEach((depth, s) => {
    if (s > 0) x = m.merge(x, `stage${s + 1}_merge`);
    for (let b = 1; b <= depth; b++) {
      const p = `stage${s + 1}_block${b}`;
      const shift = b % 2 === 0 ? Math.floor(o.windowSize / 2) : 0;
      const attn = m.windowAttention(m.norm(x, `${p}_norm1`, 1e-5), `${p}_attn`, heads[s], o.windowSize, shift);
      x = m.residual(x, attn, `${p}_attn`, rates[k]);
      x = m.residual(x, m.mlp(m.norm(x, `${p}_norm2`, 1e-5), p, 4 * (x.shape[3] as number)), `${p}_mlp`, rates[k++]);
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(m.norm(x, 'norm', 1e-5)) as tf.SymbolicTensor;
  const logits = m.dense(x, 'fc', o.numClasses);
  return tf.model({ inputs: input, outputs: logits, name: o.name ?? registryName });
}

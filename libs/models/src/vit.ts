import { tf, type OptionSchema } from '@sugar-lab/core';
import { ModelConfigError } from './errors';
import { dropRates, ModernMaker, resolveOptions, type ModernModelOptions } from './modern-maker';

export type VitSize = 'tiny' | 'small';

/** Embedding width, blocks and heads: ViT-Ti and ViT-S (DeiT; timm's vit_tiny/small_patch16_224). */
export const VIT_SIZES: Record<VitSize, { dim: number; depth: number; heads: number }> = {
  tiny: { dim: 192, depth: 12, heads: 3 },
  small: { dim: 384, depth: 12, heads: 6 },
};

/** The activation defaults to GELU. */
export interface VitOptions extends ModernModelOptions {
  /** Side of the square patches. Default 4 (32x32 -> 8x8 tokens); 16 is the ImageNet ViT/16. */
  patchSize?: number;
  /** Width multiplier; the embedding is rounded to a multiple of the heads. Default 1. */
  width?: number;
  /** Encoder blocks. Default: the size's (12). */
  depth?: number;
  /** Stochastic depth rate of the last block (linear from 0). Default 0. */
  dropPath?: number;
}

export const VIT_OPTIONS: OptionSchema = {
  patchSize: { type: 'number', integer: true, min: 1, default: 4, description: 'patch side (16: the ImageNet ViT/16)' },
  width: { type: 'number', min: 0, exclusiveMin: true, default: 1, description: 'embedding multiplier, rounded to a multiple of the heads' },
  depth: { type: 'number', integer: true, min: 1, description: "encoder blocks (default: the size's, 12)" },
  dropPath: { type: 'number', min: 0, max: 1, exclusiveMax: true, default: 0, description: 'stochastic depth rate of the last block (linear from 0)' },
};

/**
 * Vision Transformer (Dosovitskiy et al. 2021; timm's VisionTransformer with its defaults): patch
 * embedding -> class token -> learned position embedding -> pre-norm encoder blocks
 * (x + attn(LN(x)), x + mlp(LN(x)), MLP ratio 4, LayerNorm eps 1e-6) -> LN -> class token -> fc.
 * The activation spec goes into every block's MLP (`block{b}_act`; GELU as published).
 */
export function vit(size: VitSize, options: VitOptions, registryName = `vit-${size}`): tf.LayersModel {
  const o = resolveOptions<Required<VitOptions>>(registryName, VIT_OPTIONS, options, 3);
  const { heads, dim: baseDim, depth: baseDepth } = VIT_SIZES[size];
  const dim = Math.max(heads, Math.round((baseDim * o.width) / heads) * heads);
  const depth = o.depth ?? baseDepth;
  const [h, w] = o.inputShape as [number, number];
  if (h < o.patchSize || w < o.patchSize) throw new ModelConfigError(registryName, 'inputShape', `height and width >= patchSize ${o.patchSize}`, o.inputShape);
  const m = new ModernMaker(o.seed, o.activation);
  const rates = dropRates(depth, o.dropPath);

  const input = tf.input({ shape: o.inputShape, name: 'input' });
  const patches = m.patch(input, 'patch_embed', o.patchSize, dim);
  const [gh, gw] = patches.shape.slice(1, 3) as number[];
  let x = tf.layers.reshape({ name: 'tokens', targetShape: [gh * gw, dim] }).apply(patches) as tf.SymbolicTensor;
  x = m.positions(m.classToken(x, 'class_token'), 'position_embedding');
  for (let b = 1; b <= depth; b++) {
    const p = `block${b}`;
    x = m.residual(x, m.attention(m.norm(x, `${p}_norm1`, 1e-6), `${p}_attn`, heads), `${p}_attn`, rates[b - 1]);
    x = m.residual(x, m.mlp(m.norm(x, `${p}_norm2`, 1e-6), p, 4 * dim), `${p}_mlp`, rates[b - 1]);
  }
  const logits = m.dense(m.classPool(m.norm(x, 'norm', 1e-6), 'pool'), 'fc', o.numClasses);
  return tf.model({ inputs: input, outputs: logits, name: o.name ?? registryName });
}

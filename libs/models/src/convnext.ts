import { tf, type OptionSchema } from '@sugar-lab/core';
import { ModelConfigError } from './errors';
import { dropRates, ModernMaker, resolveOptions, type ModernModelOptions } from './modern-maker';

export type ConvNextSize = 'atto' | 'femto' | 'pico' | 'nano' | 'tiny';

/** Blocks and channels per stage: timm's convnext_atto .. _nano and the paper's ConvNeXt-T. */
export const CONVNEXT_SIZES: Record<ConvNextSize, { depths: number[]; dims: number[] }> = {
  atto: { depths: [2, 2, 6, 2], dims: [40, 80, 160, 320] },
  femto: { depths: [2, 2, 6, 2], dims: [48, 96, 192, 384] },
  pico: { depths: [2, 2, 6, 2], dims: [64, 128, 256, 512] },
  nano: { depths: [2, 2, 8, 2], dims: [80, 160, 320, 640] },
  tiny: { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768] },
};

/** The activation defaults to GELU. */
export interface ConvNextOptions extends ModernModelOptions {
  /** Stem patch size. Default 2 (32x32 -> stages at 16, 8, 4, 2); 4 is the ImageNet stem. */
  patchSize?: number;
  /** Channel multiplier; channels are round(c * width), at least 1. Default 1. */
  width?: number;
  /** Depthwise kernel size. Default 7. */
  kernelSize?: number;
  /** Stochastic depth rate of the last block (linear from 0). Default 0. */
  dropPath?: number;
  /** Initial layer scale (0: none). Default 1e-6. */
  layerScale?: number;
}

export const CONVNEXT_OPTIONS: OptionSchema = {
  patchSize: { type: 'number', integer: true, min: 1, default: 2, description: 'stem patch size (4: the ImageNet stem)' },
  width: { type: 'number', min: 0, exclusiveMin: true, default: 1, description: 'channel multiplier; channels are round(c * width), at least 1' },
  kernelSize: { type: 'number', integer: true, min: 1, default: 7, description: 'depthwise kernel size' },
  dropPath: { type: 'number', min: 0, max: 1, exclusiveMax: true, default: 0, description: 'stochastic depth rate of the last block (linear from 0)' },
  layerScale: { type: 'number', min: 0, default: 1e-6, description: 'initial layer scale (0: none)' },
};

/**
 * ConvNeXt (Liu et al. 2022; timm's layout) with a CIFAR-sized patchify stem: stem = k x k
 * patchify conv + LayerNorm; four stages, stages 2-4 opening with LayerNorm + 2x2 stride-2 conv;
 * each block dwconv7x7 -> LayerNorm -> fc (4x) -> act -> fc -> layer scale -> drop path -> + x;
 * global average pool -> LayerNorm -> fc. All LayerNorms eps 1e-6, as published. The activation
 * spec goes into every block's MLP (`stage{s}_block{b}_act`; GELU in the paper).
 */
export function convnext(size: ConvNextSize, options: ConvNextOptions, registryName = `convnext-${size}`): tf.LayersModel {
  const o = resolveOptions<Required<ConvNextOptions>>(registryName, CONVNEXT_OPTIONS, options, 3);
  const { depths, dims: baseDims } = CONVNEXT_SIZES[size];
  const dims = baseDims.map((d) => Math.max(1, Math.round(d * o.width)));
  const [h, w] = o.inputShape as [number, number];
  const side = Math.floor(Math.min(h, w) / o.patchSize);
  if (side < 8)
    throw new ModelConfigError(
      registryName,
      'inputShape',
      `height and width >= 8 x patchSize ${o.patchSize} (three 2x2 downsamplings after the stem)`,
      o.inputShape,
    );
  const m = new ModernMaker(o.seed, o.activation);
  const rates = dropRates(
    depths.reduce((a, b) => a + b, 0),
    o.dropPath,
  );

  const input = tf.input({ shape: o.inputShape, name: 'input' });
  let x = m.norm(m.patch(input, 'stem', o.patchSize, dims[0]), 'stem_norm', 1e-6);
  let k = 0;
  depths.forEach((depth, s) => {
    if (s > 0) x = m.patch(m.norm(x, `stage${s + 1}_down_norm`, 1e-6), `stage${s + 1}_down`, 2, dims[s]);
    for (let b = 1; b <= depth; b++) {
      const p = `stage${s + 1}_block${b}`;
      const y = m.mlp(m.norm(m.depthwise(x, `${p}_dwconv`, o.kernelSize), `${p}_norm`, 1e-6), p, 4 * dims[s]);
      x = m.residual(x, y, p, rates[k++], o.layerScale);
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const logits = m.dense(m.norm(x, 'head_norm', 1e-6), 'fc', o.numClasses);
  return tf.model({ inputs: input, outputs: logits, name: o.name ?? registryName });
}

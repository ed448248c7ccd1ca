import { tf } from '@sugar-lab/core';
import { ModelConfigError } from './errors';
import { chain, LayerMaker } from './layers';
import { checkBool, checkCommon, checkPositive, checkRate, type CommonModelOptions } from './options';

export type VggName = 'vgg11' | 'vgg13' | 'vgg16';

/** Channels of the 3x3 convs in each of the five stages (each stage ends in a 2x2 max-pool). */
export const VGG_CONFIGS: Record<VggName, number[][]> = {
  vgg11: [[64], [128], [256, 256], [512, 512], [512, 512]],
  vgg13: [
    [64, 64],
    [128, 128],
    [256, 256],
    [512, 512],
    [512, 512],
  ],
  vgg16: [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ],
};

export interface VggOptions extends CommonModelOptions {
  /** conv -> BatchNorm -> act. Default true. */
  batchNorm?: boolean;
  /**
   * 'linear' (default): flatten -> fc, the common CIFAR head (kuangliu/pytorch-cifar).
   * 'mlp': flatten -> head_dense1 (512) -> act -> [dropout] -> head_dense2 (512) -> act -> [dropout] -> fc.
   */
  head?: 'linear' | 'mlp';
  /** Dropout rate in the 'mlp' head. Default 0. */
  dropout?: number;
  /** Channel (and head width) multiplier; channels are round(c * width), at least 1. Default 1. */
  width?: number;
  /**
   * Bias in the convs. Default: only without batch norm, where it does something; with batch norm it
   * is cancelled by the mean subtraction and gets no gradient. `true` reproduces torchvision's
   * vgg*_bn / pytorch-cifar's layout (and their parameter counts) exactly.
   */
  convBias?: boolean;
}

/** VGG for small images (CIFAR): 3x3 'same' convs, five 2x2 max-pools, so inputs must be >= 32x32. */
export function vgg(variant: VggName, opts: VggOptions, registryName: string = variant): tf.LayersModel {
  checkCommon(registryName, opts, 3);
  checkBool(registryName, 'batchNorm', opts.batchNorm);
  checkBool(registryName, 'convBias', opts.convBias);
  checkRate(registryName, 'dropout', opts.dropout);
  checkPositive(registryName, 'width', opts.width);
  if (opts.head !== undefined && opts.head !== 'linear' && opts.head !== 'mlp') {
    throw new ModelConfigError(registryName, 'head', "'linear' or 'mlp'", opts.head);
  }
  const [h, w] = opts.inputShape;
  if (h < 32 || w < 32) throw new ModelConfigError(registryName, 'inputShape', 'height and width >= 32 (five 2x2 max-pools)', opts.inputShape);
  const bn = opts.batchNorm ?? true;
  const bias = opts.convBias ?? !bn;
  const scale = (c: number) => Math.max(1, Math.round(c * (opts.width ?? 1)));
  const rate = opts.dropout ?? 0;
  const m = new LayerMaker(opts.seed, opts.activation);

  const input = tf.input({ shape: opts.inputShape, name: 'input' });
  let x = input;
  VGG_CONFIGS[variant].forEach((stage, s) => {
    const p = `block${s + 1}`;
    stage.forEach((c, i) => {
      x = chain(x, m.conv(`${p}_conv${i + 1}`, scale(c), 3, 1, 'same', bias), bn ? m.bn(`${p}_bn${i + 1}`) : undefined, m.act(`${p}_act${i + 1}`));
    });
    x = chain(x, tf.layers.maxPooling2d({ name: `${p}_pool`, poolSize: 2, strides: 2, padding: 'valid' }));
  });
  x = chain(x, tf.layers.flatten({ name: 'flatten' }));
  if (opts.head === 'mlp') {
    for (const i of [1, 2]) {
      x = chain(x, m.dense(`head_dense${i}`, scale(512), true), m.act(`head_act${i}`), rate > 0 ? m.dropout(`head_dropout${i}`, rate) : undefined);
    }
  }
  const logits = chain(x, m.dense('fc', opts.numClasses, true, 'glorot'));
  return tf.model({ inputs: input, outputs: logits, name: opts.name ?? registryName });
}

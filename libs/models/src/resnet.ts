import { tf } from '@sugar-lab/core';
import { ModelConfigError } from './errors';
import { chain, LayerMaker } from './layers';
import { checkCommon, checkPositive, type CommonModelOptions } from './options';

export type ResNetName = 'resnet18' | 'resnet34';

/** BasicBlocks per stage; stages have 64, 128, 256, 512 channels, stages 2-4 start with stride 2. */
export const RESNET_BLOCKS: Record<ResNetName, number[]> = {
  resnet18: [2, 2, 2, 2],
  resnet34: [3, 4, 6, 3],
};

export interface ResNetOptions extends CommonModelOptions {
  /** Channel multiplier; channels are round(c * width), at least 1. Default 1. */
  width?: number;
}

// PyTorch pads 3x3 stride-2 convs by 1 on every side; tf 'same' pads only bottom/right on even
// sizes, so stride-2 convs get an explicit zero pad and 'valid' to sample the same positions.
function conv3x3(m: LayerMaker, x: tf.SymbolicTensor, name: string, filters: number, stride: number): tf.SymbolicTensor {
  if (stride === 1) return chain(x, m.conv(`${name}`, filters, 3, 1, 'same', false));
  return chain(x, tf.layers.zeroPadding2d({ name: `${name}_pad`, padding: 1 }), m.conv(name, filters, 3, stride, 'valid', false));
}

/** conv-bn-act-conv-bn, plus identity or 1x1 conv-bn projection, added, then act. */
function basicBlock(m: LayerMaker, x: tf.SymbolicTensor, p: string, filters: number, stride: number): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = conv3x3(m, x, `${p}_conv1`, filters, stride);
  y = chain(y, m.bn(`${p}_bn1`), m.act(`${p}_act1`));
  y = chain(conv3x3(m, y, `${p}_conv2`, filters, 1), m.bn(`${p}_bn2`));
  const shortcut = stride !== 1 || inChannels !== filters ? chain(x, m.conv(`${p}_proj_conv`, filters, 1, stride, 'valid', false), m.bn(`${p}_proj_bn`)) : x;
  const sum = tf.layers.add({ name: `${p}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return chain(sum, m.act(`${p}_act2`));
}

/**
 * ResNet for CIFAR (He et al. 2016 as in kuangliu/pytorch-cifar): 3x3 stem conv (64, stride 1,
 * no max-pool), BasicBlock stages, global average pooling, fc. Layer names: conv1/bn1/act1 (stem),
 * block{stage}_{block}_{conv1,bn1,act1,conv2,bn2,proj_conv,proj_bn,add,act2}, pool, fc.
 */
export function resnet(variant: ResNetName, opts: ResNetOptions, registryName: string = variant): tf.LayersModel {
  checkCommon(registryName, opts, 3);
  checkPositive(registryName, 'width', opts.width);
  const [h, w] = opts.inputShape;
  if (h < 8 || w < 8) throw new ModelConfigError(registryName, 'inputShape', 'height and width >= 8 (three stride-2 stages)', opts.inputShape);
  const scale = (c: number) => Math.max(1, Math.round(c * (opts.width ?? 1)));
  const m = new LayerMaker(opts.seed, opts.activation);

  const input = tf.input({ shape: opts.inputShape, name: 'input' });
  let x = chain(input, m.conv('conv1', scale(64), 3, 1, 'same', false), m.bn('bn1'), m.act('act1'));
  RESNET_BLOCKS[variant].forEach((n, s) => {
    for (let b = 0; b < n; b++) {
      x = basicBlock(m, x, `block${s + 1}_${b + 1}`, scale(64 * 2 ** s), s > 0 && b === 0 ? 2 : 1);
    }
  });
  x = chain(x, tf.layers.globalAveragePooling2d({ name: 'pool' }), m.dense('fc', opts.numClasses, true, 'glorot'));
  return tf.model({ inputs: input, outputs: x, name: opts.name ?? registryName });
}

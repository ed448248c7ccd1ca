import { tf, type OptionSchema } from '@sugar-lab/core';
import { ModelConfigError } from './errors';
import { chain, LayerMaker } from './layers';
import { resolveOptions } from './modern-maker';
import type { CommonModelOptions } from './options';

export interface VggSmallOptions extends CommonModelOptions {
  /** Conv stages, each ending in a 2x2 max-pool. Default 2 (28x28 -> 14 -> 7). */
  stages?: number;
  /** Channels of the first stage; each further stage doubles them. Default 16. */
  width?: number;
  /** 3x3 convs per stage. Default 2. */
  convs?: number;
  /** conv -> BatchNorm -> act. Default true. */
  batchNorm?: boolean;
  /** Units of the hidden dense layer between flatten and fc (0: flatten -> fc). Default 128. */
  hidden?: number;
  /** Dropout after the hidden layer's activation. Default 0. */
  dropout?: number;
  /** Bias in the convs. Default: only without batch norm (its mean subtraction cancels a bias). */
  convBias?: boolean;
}

export const VGG_SMALL_OPTIONS: OptionSchema = {
  stages: { type: 'number', integer: true, min: 1, default: 2, description: 'conv stages, each ending in a 2x2 max-pool' },
  width: { type: 'number', integer: true, min: 1, default: 16, description: 'channels of the first stage, doubled per stage' },
  convs: { type: 'number', integer: true, min: 1, default: 2, description: '3x3 convs per stage' },
  batchNorm: { type: 'boolean', default: true, description: 'conv -> BatchNorm -> act' },
  hidden: { type: 'number', integer: true, min: 0, default: 128, description: 'units of the hidden dense layer (0: flatten -> fc)' },
  dropout: { type: 'number', min: 0, max: 1, exclusiveMax: true, default: 0, description: 'dropout after the hidden activation' },
  convBias: { type: 'boolean', description: 'bias in the convs (default: only without batch norm)' },
};

/**
 * A VGG-style CNN for small images (Fashion-MNIST's 28x28, where the five pools of VGG-11/16 do not fit):
 * `stages` x (convs x (conv3x3 [-> bn] -> act) -> maxpool2), flatten -> [hidden dense -> act [-> dropout]] -> fc.
 * Layers are named like the VGG models' (`block1_conv1`, `block1_act1`, `head_act1`), initialized the same way.
 */
export function vggSmall(options: VggSmallOptions, registryName = 'vgg-small'): tf.LayersModel {
  const o = resolveOptions<Required<Omit<VggSmallOptions, 'convBias'>> & { convBias?: boolean }>(registryName, VGG_SMALL_OPTIONS, options, 3);
  const [h, w] = o.inputShape;
  const side = 2 ** o.stages;
  if (h < side || w < side) throw new ModelConfigError(registryName, 'inputShape', `height and width >= ${side} (${o.stages} 2x2 max-pools)`, o.inputShape);
  const bias = o.convBias ?? !o.batchNorm;
  const m = new LayerMaker(o.seed, o.activation);

  const input = tf.input({ shape: o.inputShape, name: 'input' });
  let x = input;
  for (let s = 1; s <= o.stages; s++) {
    const filters = o.width * 2 ** (s - 1);
    for (let i = 1; i <= o.convs; i++) {
      x = chain(x, m.conv(`block${s}_conv${i}`, filters, 3, 1, 'same', bias), o.batchNorm ? m.bn(`block${s}_bn${i}`) : undefined, m.act(`block${s}_act${i}`));
    }
    x = chain(x, tf.layers.maxPooling2d({ name: `block${s}_pool`, poolSize: 2, strides: 2, padding: 'valid' }));
  }
  x = chain(x, tf.layers.flatten({ name: 'flatten' }));
  if (o.hidden > 0) x = chain(x, m.dense('head_dense1', o.hidden, true), m.act('head_act1'), o.dropout > 0 ? m.dropout('head_dropout1', o.dropout) : undefined);
  const logits = chain(x, m.dense('fc', o.numClasses, true, 'glorot'));
  return tf.model({ inputs: input, outputs: logits, name: o.name ?? registryName });
}

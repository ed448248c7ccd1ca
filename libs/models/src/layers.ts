import { activationLayer, tf, type ActivationSpec } from '@sugar-lab/core';

type Init = 'he' | 'glorot';

/** Std of a standard normal truncated to [-2, 2]. */
const TRUNCATED_STD = 0.87962566103423978;

/**
 * A 32-bit seed for the `index`-th weighted layer of a model built with `seed`
 * (murmur3's finalizer over the pair), so layers never share a random stream.
 *
 * @param seed the model's seed
 * @param index the weighted layer's position among the model's weighted layers
 */
export function layerSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Makes a model's layers in build order: each weighted layer takes the next per-layer seed,
 * and every activation position goes through core's `activationLayer` with the one spec.
 */
export class LayerMaker {
  private index = 0;

  constructor(
    private readonly seed: number,
    private readonly activation: ActivationSpec,
  ) {}

  // He-normal as in TF2/Keras 2 (and with PyTorch's kaiming_normal std): a normal truncated at 2
  // sigma whose std after truncation is sqrt(2 / fan_in). tfjs's heNormal skips the truncation
  // correction and comes out 12% narrower, which compounds with depth in nets without batch norm.
  private init(kind: Init) {
    const seed = layerSeed(this.seed, this.index++);
    if (kind === 'glorot') return tf.initializers.glorotUniform({ seed });
    return tf.initializers.varianceScaling({ scale: 2 / TRUNCATED_STD ** 2, mode: 'fanIn', distribution: 'normal', seed });
  }

  /** 3x3 (or k x k) conv; PyTorch-style symmetric padding is the caller's job for strides > 1. */
  conv(name: string, filters: number, kernelSize: number, strides: number, padding: 'same' | 'valid', useBias: boolean): tf.layers.Layer {
    return tf.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding,
      useBias,
      kernelInitializer: this.init('he'),
      biasInitializer: 'zeros',
    });
  }

  dense(name: string, units: number, useBias: boolean, init: Init = 'he'): tf.layers.Layer {
    return tf.layers.dense({ name, units, useBias, kernelInitializer: this.init(init), biasInitializer: 'zeros' });
  }

  // PyTorch's BatchNorm defaults (momentum 0.1, eps 1e-5), so runs compare with the reference models.
  bn(name: string): tf.layers.Layer {
    return tf.layers.batchNormalization({ name, axis: -1, momentum: 0.9, epsilon: 1e-5 });
  }

  act(name: string): tf.layers.Layer {
    return activationLayer(this.activation, { name });
  }

  // Unseeded on purpose: tfjs reuses a fixed dropout seed on every call, giving one mask forever.
  dropout(name: string, rate: number): tf.layers.Layer {
    return tf.layers.dropout({ name, rate });
  }
}

/** Applies layers in order to a symbolic tensor. */
export function chain(x: tf.SymbolicTensor, ...layers: (tf.layers.Layer | undefined)[]): tf.SymbolicTensor {
  for (const l of layers) if (l) x = l.apply(x) as tf.SymbolicTensor;
  return x;
}

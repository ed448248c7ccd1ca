import { tf, type LayerArgs } from '@sugar-lab/core';
import { ModelConfigError } from './errors';

export type { LayerArgs };
export type Initializer = ReturnType<typeof tf.initializers.truncatedNormal>;

/** Std of a standard normal truncated to [-2, 2]. */
const TRUNCATED_STD = 0.87962566103423978;

/**
 * timm's `trunc_normal_(std)` for the transformer-era models: a normal with this std after
 * truncation at 2 sigma (tfjs' truncatedNormal takes the std before truncation, 12% wider).
 */
export function truncNormal(std: number, seed?: number): Initializer {
  return tf.initializers.truncatedNormal({ mean: 0, stddev: std / TRUNCATED_STD, seed });
}

/** The one input shape of a single-input layer. */
export function oneShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(inputShape[0]) || inputShape.length === 0 ? (inputShape as tf.Shape[])[0] : (inputShape as tf.Shape);
}

/** The one input tensor of a single-input layer. */
export function oneTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** Names the layer (class and name) the way ModelConfigError names a model. */
export function layerError(layer: tf.layers.Layer, path: string, expected: string, found: unknown): ModelConfigError {
  return new ModelConfigError(`${layer.getClassName()} '${layer.name}'`, path, expected, found);
}

/** Checks a layer argument: a positive integer (or absent when optional). */
export function positiveInt(layer: tf.layers.Layer, path: string, x: unknown): number {
  if (!Number.isInteger(x) || (x as number) < 1) throw layerError(layer, path, 'an integer >= 1', x);
  return x as number;
}

/** Static dimensions `dims` of `shape` (1-based axes after the batch), or an error naming the layer. */
export function staticDims(layer: tf.layers.Layer, shape: tf.Shape, rank: number, what: string): number[] {
  if (shape.length !== rank) throw layerError(layer, 'inputShape', `rank ${rank} (${what})`, shape);
  const dims = shape.slice(1);
  if (!dims.every((d) => Number.isInteger(d) && (d as number) > 0)) throw layerError(layer, 'inputShape', `known sizes (${what})`, shape);
  return dims as number[];
}

/** x [..., C] times a [C, D] kernel (+ bias) as one 2-D matmul, so every backend runs its GEMM. */
export function linear(x: tf.Tensor, kernel: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const c = x.shape[x.rank - 1];
  const y = tf.matMul(tf.reshape(x, [-1, c]), kernel);
  const out = bias ? tf.add(y, bias) : y;
  return tf.reshape(out, [...x.shape.slice(0, -1), kernel.shape[1] as number]);
}

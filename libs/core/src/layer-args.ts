import { SugarError } from './errors';
import type * as tf from './tf';

/** tfjs-layers' LayerArgs (name, trainable, inputShape, dtype, ...), taken from the Layer constructor. */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** The single input tensor of an elementwise layer. */
export function singleTensor(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) throw new SugarError(`${layer}: expected exactly one input tensor; found ${inputs.length}`);
  return inputs[0];
}

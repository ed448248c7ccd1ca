import type { tf } from '@sugar-lab/core';

/** The naming rule for activation positions: `act1`, `block2_1_act1`, `head_act2`, ... */
export const ACTIVATION_NAME = /(^|_)act\d*$/;

/**
 * Names of a model's activation layers (one per activation position), in forward order.
 * Found by name, so it also works on a saved-and-reloaded or `sugarize`d model.
 */
export function activationLayerNames(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => ACTIVATION_NAME.test(l.name)).map((l) => l.name);
}

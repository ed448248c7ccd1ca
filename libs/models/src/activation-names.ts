import { activationLayers, type tf } from '@sugar-lab/core';

/**
 * Names of a model's activation layers (one per activation position), in forward order: core's
 * `activationLayers`, so a saved-and-reloaded or `sugarize`d model gives its positions too. The models of
 * this package name them `act1`, `block2_1_act1`, `head_act2`, `stage1_block0_act`, ...
 */
export function activationLayerNames(model: tf.LayersModel): string[] {
  return activationLayers(model).map((l) => l.name);
}

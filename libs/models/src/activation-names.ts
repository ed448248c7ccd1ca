import { activationLayers, type tf } from '@sugar-lab/core';

/**
 * Names of a model's activation positions, in forward order: what the probes tap, core's `activationLayers(model,
 * { nested: true, fused: true })`, so a saved-and-reloaded or `sugarize`d model gives its positions too, and a model
 * written with `activation: 'relu'` in its Dense/Conv layers gives those layers. The models of this package name
 * them `act1`, `block2_1_act1`, `head_act2`, `stage1_block0_act`, ...
 *
 * @param model the model whose activation positions to name
 */
export function activationLayerNames(model: tf.LayersModel): string[] {
  return activationLayers(model, { nested: true, fused: true }).map((l) => l.name);
}

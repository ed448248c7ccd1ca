import { activationLayers, getSurrogate, SugarReLU, tf } from '@sugar-lab/core';

const sugarLayers = (model: tf.LayersModel): SugarReLU[] => activationLayers(model, { nested: true }).filter((l): l is SugarReLU => l instanceof SugarReLU);

/**
 * Runs `fn` with every SugarReLU layer of `model` (nested models included) differentiating as plain
 * ReLU, and puts the surrogates back afterwards. A SUGAR network computes exactly ReLU forward, so its
 * loss is the same function of the weights as a ReLU network's; its true gradient uses ReLU's step,
 * while training follows the surrogate's. Curvature of the loss must come from the true gradient, or
 * ReLU and SUGAR models would be measured with different yardsticks.
 */
export function withReluGradients<T>(model: tf.LayersModel, fn: () => T): T {
  const layers = sugarLayers(model);
  if (layers.length === 0) return fn();
  const saved = layers.map((l) => l.surrogate);
  const relu = getSurrogate('relu');
  layers.forEach((l) => l.setSurrogate(relu));
  try {
    return fn();
  } finally {
    layers.forEach((l, i) => l.setSurrogate(saved[i]));
  }
}

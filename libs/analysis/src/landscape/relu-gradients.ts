import { getSurrogate, tf, type Surrogate } from '@sugar-lab/core';

// SugarReLU's supported way to swap the derivative its backward pass uses (core's setSurrogate).
type SurrogateHolder = tf.layers.Layer & { readonly surrogate: Surrogate; setSurrogate(s: Surrogate): void };

function sugarLayers(model: tf.LayersModel, into: SurrogateHolder[] = []): SurrogateHolder[] {
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) sugarLayers(layer, into);
    else if (layer.getClassName() === 'SugarReLU') into.push(layer as SurrogateHolder);
  }
  return into;
}

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

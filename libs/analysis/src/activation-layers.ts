import { activationLayers, tf } from '@sugar-lab/core';
import { ProbeError } from './errors';

type Layer = tf.layers.Layer;

/**
 * The layers a probe taps: the named ones, in the order given, or else core's `activationLayers(model)`
 * (every top-level layer `isActivationLayer` accepts, in model order). Activations fused into a
 * Dense/Conv layer cannot be probed.
 */
export function findActivationLayers(model: tf.LayersModel, names?: readonly string[]): Layer[] {
  if (names) {
    return names.map((n) => {
      const found = model.layers.find((l) => l.name === n);
      if (!found) {
        throw new ProbeError(
          `findActivationLayers: expected a layer named '${n}' in model '${model.name}'; found layers ${model.layers.map((l) => l.name).join(', ')}`,
        );
      }
      return found;
    });
  }
  return activationLayers(model);
}

/** Layers with a kernel (Dense, Conv*), in model order, with the kernel's variable. */
export function kernelLayers(model: tf.LayersModel): { layer: Layer; kernel: tf.Variable }[] {
  const out: { layer: Layer; kernel: tf.Variable }[] = [];
  for (const layer of model.layers) {
    const w = layer.trainableWeights.find((v) => /kernel/.test(v.originalName));
    if (w) out.push({ layer, kernel: w.read() as tf.Variable });
  }
  return out;
}

import { tf } from '@sugar-lab/core';
import { ProbeError } from './errors';

type Layer = tf.layers.Layer;

// Element-wise activation layer classes (tfjs-layers' and sugar-lab's own). Classes whose name
// starts with 'Surrogate' or 'Sugar' are sugar-lab's forward-surrogate and SUGAR layers.
const ACTIVATION_CLASSES = new Set(['ReLU', 'LeakyReLU', 'ELU', 'PReLU', 'ThresholdedReLU']);
// Activation(...) layers that are not a hidden nonlinearity.
const NOT_HIDDEN = new Set(['linear', 'softmax', 'sigmoid']);

/** True for a layer that applies an element-wise hidden activation (ReLU, SugarReLU, Activation('relu'), ...). */
export function isActivationLayer(layer: Layer): boolean {
  const cls = layer.getClassName();
  if (ACTIVATION_CLASSES.has(cls) || cls.startsWith('Sugar') || cls.startsWith('Surrogate')) return true;
  if (cls === 'Activation') {
    const act = (layer.getConfig() as { activation?: unknown }).activation;
    return typeof act === 'string' && !NOT_HIDDEN.has(act);
  }
  return false;
}

/**
 * The model's activation layers, in model order: the named ones (e.g. from
 * `activationLayerNames(model)` of @sugar-lab/models) or else every top-level layer that
 * `isActivationLayer` accepts. Activations fused into a Dense/Conv layer cannot be probed.
 */
export function findActivationLayers(model: tf.LayersModel, names?: readonly string[]): Layer[] {
  if (names) {
    return names.map((n) => {
      const found = model.layers.find((l) => l.name === n);
      if (!found) {
        throw new ProbeError(`findActivationLayers: expected a layer named '${n}' in model '${model.name}'; found layers ${model.layers.map((l) => l.name).join(', ')}`);
      }
      return found;
    });
  }
  return model.layers.filter(isActivationLayer);
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

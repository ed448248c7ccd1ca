import { activationLayers, tf } from '@sugar-lab/core';
import { ProbeError } from './errors';

type Layer = tf.layers.Layer;

// Every layer of the model, nested models' layers included, in model order.
const allLayers = (model: tf.LayersModel): Layer[] => model.layers.flatMap((l) => (l instanceof tf.LayersModel ? [l, ...allLayers(l)] : [l]));

/**
 * The layers a probe taps: the named ones, in the order given, or else core's `activationLayers(model,
 * { nested: true, fused: true })`: every activation layer and every Dense/Conv layer with a fused hidden
 * activation (`dense({ units, activation: 'relu' })`), nested models included, in model order.
 *
 * @param model the model to search, nested models included
 * @param names layer names to find instead (each must name exactly one layer)
 */
export function findActivationLayers(model: tf.LayersModel, names?: readonly string[]): Layer[] {
  if (!names) return activationLayers(model, { nested: true, fused: true });
  const layers = allLayers(model);
  return names.map((n) => {
    const found = layers.filter((l) => l.name === n);
    if (found.length !== 1) {
      throw new ProbeError(
        `findActivationLayers: expected one layer named '${n}' in model '${model.name}'; found ${found.length} among ${layers.map((l) => l.name).join(', ')}`,
      );
    }
    return found[0];
  });
}

/**
 * Layers with a kernel (Dense, Conv*), in model order, nested models' included, with the kernel's variable.
 *
 * @param model the model to search
 */
export function kernelLayers(model: tf.LayersModel): { layer: Layer; kernel: tf.Variable }[] {
  const out: { layer: Layer; kernel: tf.Variable }[] = [];
  for (const layer of allLayers(model)) {
    if (layer instanceof tf.LayersModel) continue;
    const w = layer.trainableWeights.find((v) => /kernel/.test(v.originalName));
    if (w) out.push({ layer, kernel: w.read() as tf.Variable });
  }
  return out;
}

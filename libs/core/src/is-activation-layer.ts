import { SugarReLU } from './sugar-relu-layer';
import { SurrogateActivation } from './surrogate-activation-layer';
import * as tf from './tf';

/**
 * A layer, or its entry in a model's config (`{ className, config }`, what `sugarize` rewrites before
 * anything is built): both are judged by the same rule.
 */
export type LayerLike = tf.layers.Layer | { className: string; config: tf.serialization.ConfigDict };

// Element-wise activation layer classes: tfjs-layers' own and sugar-lab's (named by their registered
// class names, so a config entry and a built layer are judged alike).
const ACTIVATION_CLASSES: ReadonlySet<string> = new Set([
  'ReLU',
  'LeakyReLU',
  'ELU',
  'PReLU',
  'ThresholdedReLU',
  SugarReLU.className,
  SurrogateActivation.className,
]);
// Activation(...) functions that are not a hidden nonlinearity: the identity and output squashes.
const NOT_HIDDEN: ReadonlySet<string> = new Set(['linear', 'softmax', 'sigmoid']);

const classOf = (layer: LayerLike): string => (layer instanceof tf.layers.Layer ? layer.getClassName() : layer.className);
const configOf = (layer: LayerLike): tf.serialization.ConfigDict => (layer instanceof tf.layers.Layer ? layer.getConfig() : layer.config);

/**
 * True for a layer that applies an element-wise hidden activation: ReLU, LeakyReLU, ELU, PReLU,
 * ThresholdedReLU, SugarReLU, SurrogateActivation, or Activation(f) with f other than linear, softmax
 * and sigmoid. Every layer core's `activationLayer(spec)` makes is one. An activation fused into a
 * Dense/Conv layer (`activation: 'relu'`) is not a layer of its own and is not one.
 */
export function isActivationLayer(layer: LayerLike): boolean {
  const cls = classOf(layer);
  if (ACTIVATION_CLASSES.has(cls)) return true;
  if (cls !== 'Activation') return false;
  const act = configOf(layer).activation;
  return typeof act === 'string' && !NOT_HIDDEN.has(act);
}

/** True for an activation layer that computes exactly ReLU: a ReLU layer without `maxValue`, or Activation('relu'). */
export function isReluLayer(layer: LayerLike): boolean {
  const cls = classOf(layer);
  if (cls === 'Activation') return configOf(layer).activation === 'relu';
  return cls === 'ReLU' && configOf(layer).maxValue == null;
}

export interface ActivationLayersOptions {
  /** Also look inside models nested in the model, each at its place (default false: top-level layers only, the ones a probe can tap). */
  nested?: boolean;
}

/** A model's activation layers (`isActivationLayer`), in the model's layer order (forward order for sugar-lab's models). */
export function activationLayers(model: tf.LayersModel, opts: ActivationLayersOptions = {}): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    if (opts.nested && layer instanceof tf.LayersModel) return activationLayers(layer, opts);
    return isActivationLayer(layer) ? [layer] : [];
  });
}

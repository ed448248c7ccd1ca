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
 * Layers that apply their `activation` config to their own output (Dense and the convolutions), so that
 * activation can be tapped at the layer's output, or moved into a layer of its own (`sugarize`).
 */
export const FUSED_ACTIVATION_LAYERS: readonly string[] = [
  'Dense',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'SeparableConv1D',
  'SeparableConv2D',
  'DepthwiseConv2D',
];

/** What the probes and `sugarize` look for, in words, for the errors that say they found none. */
export const ACTIVATION_RULE =
  "activation layers (ReLU, LeakyReLU, ELU, PReLU, ThresholdedReLU, SugarReLU, SurrogateActivation, Activation(f) but 'linear', 'softmax' and 'sigmoid') " +
  `or ${FUSED_ACTIVATION_LAYERS.join('/')} layers with such an activation fused (e.g. activation: 'relu'), nested models included`;

const hiddenActivation = (act: unknown): boolean => typeof act === 'string' && !NOT_HIDDEN.has(act);

/**
 * True for a layer that applies an element-wise hidden activation: ReLU, LeakyReLU, ELU, PReLU,
 * ThresholdedReLU, SugarReLU, SurrogateActivation, or Activation(f) with f other than linear, softmax
 * and sigmoid. Every layer core's `activationLayer(spec)` makes is one. An activation fused into a
 * Dense/Conv layer (`activation: 'relu'`) is not a layer of its own: see `hasFusedActivation`.
 *
 * @param layer a built layer or its entry in a model's config
 */
export function isActivationLayer(layer: LayerLike): boolean {
  const cls = classOf(layer);
  if (ACTIVATION_CLASSES.has(cls)) return true;
  return cls === 'Activation' && hiddenActivation(configOf(layer).activation);
}

/**
 * True for a Dense/Conv layer (`FUSED_ACTIVATION_LAYERS`) whose own `activation` is a hidden one by
 * `isActivationLayer`'s rule (`dense({ units, activation: 'relu' })`): its output is that activation's.
 *
 * @param layer a built layer or its entry in a model's config
 */
export function hasFusedActivation(layer: LayerLike): boolean {
  return FUSED_ACTIVATION_LAYERS.includes(classOf(layer)) && hiddenActivation(configOf(layer).activation);
}

/**
 * True for a Dense/Conv layer whose fused activation is exactly ReLU (`activation: 'relu'`).
 *
 * @param layer a built layer or its entry in a model's config
 */
export function hasFusedRelu(layer: LayerLike): boolean {
  return FUSED_ACTIVATION_LAYERS.includes(classOf(layer)) && configOf(layer).activation === 'relu';
}

/**
 * True for an activation layer that computes exactly ReLU: a ReLU layer without `maxValue`, or Activation('relu').
 *
 * @param layer a built layer or its entry in a model's config
 */
export function isReluLayer(layer: LayerLike): boolean {
  const cls = classOf(layer);
  if (cls === 'Activation') return configOf(layer).activation === 'relu';
  return cls === 'ReLU' && configOf(layer).maxValue == null;
}

export interface ActivationLayersOptions {
  /** Also look inside models nested in the model, each at its place (default false: top-level layers only). */
  nested?: boolean;
  /** Also list Dense/Conv layers with a fused hidden activation (`hasFusedActivation`; default false). */
  fused?: boolean;
}

/**
 * A model's activation layers (`isActivationLayer`, and `hasFusedActivation` with `fused`), in the model's
 * layer order (forward order for sugar-lab's models).
 *
 * @param model the model to search
 * @param opts whether to look inside nested models and to count fused activations
 */
export function activationLayers(model: tf.LayersModel, opts: ActivationLayersOptions = {}): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => {
    if (opts.nested && layer instanceof tf.LayersModel) return activationLayers(layer, opts);
    return isActivationLayer(layer) || (opts.fused && hasFusedActivation(layer)) ? [layer] : [];
  });
}

/**
 * A model's layers as `Class(activation)`, nested models as `name[...]`, for errors that say what a model holds:
 * `Dense(linear), Dense(softmax)`.
 *
 * @param model the model to describe
 */
export function describeLayers(model: tf.LayersModel): string {
  return model.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .map((layer) => {
      if (layer instanceof tf.LayersModel) return `${layer.name}[${describeLayers(layer)}]`;
      const act = layer.getConfig().activation;
      return typeof act === 'string' ? `${layer.getClassName()}(${act})` : layer.getClassName();
    })
    .join(', ');
}

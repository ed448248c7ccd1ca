import { resolveActivation } from './activation';
import type { ActivationSpec } from './activation-spec';
import { SugarReLU } from './sugar-relu-layer';
import type { Surrogate } from './surrogate';
import { SurrogateActivation } from './surrogate-activation-layer';
import * as tf from './tf';

export interface ActivationLayerConfig {
  name?: string;
}

// Forward baselines that tfjs-layers computes with exactly the same function and that
// survive its save/load ('gelu_new' does not: it reloads as the unknown 'geluNew').
function builtinLayer(s: Surrogate, name: string | undefined): tf.layers.Layer | undefined {
  const activation = (a: 'elu' | 'selu' | 'swish' | 'gelu' | 'mish') => tf.layers.activation({ activation: a, name });
  switch (s.name) {
    case 'elu':
      return s.params.alpha === 1 ? activation('elu') : undefined;
    case 'selu':
      return activation('selu');
    case 'silu':
      return activation('swish');
    case 'gelu':
      return activation('gelu');
    case 'mish':
      return activation('mish');
    case 'leakyRelu':
      return tf.layers.leakyReLU({ alpha: s.params.alpha, name });
    default:
      return undefined;
  }
}

/**
 * The layer for an ActivationSpec: `relu` -> tf ReLU layer, `sugar` -> SugarReLU, a forward
 * baseline -> the tfjs activation where tfjs has exactly that function, else SurrogateActivation.
 *
 * @param spec the activation to build a layer for
 * @param config the layer's name (default: tfjs names it)
 */
export function activationLayer(spec: ActivationSpec, config: ActivationLayerConfig = {}): tf.layers.Layer {
  const r = resolveActivation(spec);
  const { name } = config;
  if (r.kind === 'relu') return tf.layers.reLU({ name });
  if (r.kind === 'sugar') return new SugarReLU({ surrogate: r.surrogate, region: r.region, name });
  return builtinLayer(r.surrogate, name) ?? new SurrogateActivation({ surrogate: r.surrogate, name });
}

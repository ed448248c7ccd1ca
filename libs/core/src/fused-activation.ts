import { activationLayer } from './activation-layer';
import type { ActivationSpec } from './activation-spec';
import { SugarReLU } from './sugar-relu-layer';
import { isBuiltinSurrogate } from './sugar-relu';
import { SurrogateActivation } from './surrogate-activation-layer';
import type * as tf from './tf';

/**
 * Activation codes of the fused MLP step (mlp_step.cc's ActCode).
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export const FUSED_ACTIVATION = { none: 0, relu: 1, bsilu: 2, nelu: 3, gelu: 4 } as const;

/**
 * [code, parameter, 1 for SUGAR's region 'negative'], the row mlp_step.cc reads per member and layer.
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export type FusedActivation = [number, number, number];

/**
 * How the fused MLP step computes the activation layer after a dense layer (undefined: none), or undefined
 * when it cannot: ReLU, SUGAR with the built-in B-SiLU or NeLU, and the exact GELU (tfjs-layers' or
 * SurrogateActivation's). Anything else (a plugin's surrogate, another forward activation) trains op by op.
 *
 * @param layer the activation layer after a dense layer, or undefined for none
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function fusedActivation(layer: tf.layers.Layer | undefined): FusedActivation | undefined {
  if (!layer) return [FUSED_ACTIVATION.none, 0, 0];
  const cls = layer.getClassName();
  const config = layer.getConfig() as { activation?: string; maxValue?: number | null };
  if (cls === 'ReLU' && config.maxValue == null) return [FUSED_ACTIVATION.relu, 0, 0];
  if (cls === 'Activation') {
    if (config.activation === 'relu') return [FUSED_ACTIVATION.relu, 0, 0];
    if (config.activation === 'gelu') return [FUSED_ACTIVATION.gelu, 0, 0];
    if (config.activation === 'linear') return [FUSED_ACTIVATION.none, 0, 0];
    return undefined;
  }
  if (layer instanceof SurrogateActivation) {
    return layer.surrogate.name === 'gelu' && isBuiltinSurrogate(layer.surrogate) ? [FUSED_ACTIVATION.gelu, 0, 0] : undefined;
  }
  if (layer instanceof SugarReLU) {
    const s = layer.surrogate;
    if (!isBuiltinSurrogate(s)) return undefined;
    const negative = layer.region === 'negative' ? 1 : 0;
    // The parameters as the one-op gradients take them: alpha for B-SiLU, the float32 of 2 alpha for NeLU.
    if (s.name === 'bsilu') return [FUSED_ACTIVATION.bsilu, s.params.alpha, negative];
    if (s.name === 'nelu') return [FUSED_ACTIVATION.nelu, 2 * s.params.alpha, negative];
  }
  return undefined;
}

/**
 * Whether the fused MLP step computes the activation `spec` names (as the layer activationLayer builds for it).
 *
 * @param spec the activation to check
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function isFusedActivation(spec: ActivationSpec): boolean {
  return fusedActivation(activationLayer(spec)) !== undefined;
}

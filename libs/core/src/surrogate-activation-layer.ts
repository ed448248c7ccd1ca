import { SurrogateError } from './errors';
import { singleTensor, type LayerArgs } from './layer-args';
import { surrogateActivation } from './sugar-relu';
import { resolveSurrogate, surrogateToSpec, type Surrogate, type SurrogateLike } from './surrogate';
import { registerClassOnce } from './registry-guard';
import * as tf from './tf';

export interface SurrogateActivationArgs extends LayerArgs {
  surrogate: SurrogateLike;
}

/** A surrogate used as the forward activation (a baseline such as B-SiLU or NeLU), serializable. */
export class SurrogateActivation extends tf.layers.Layer {
  static className = 'SurrogateActivation';
  readonly surrogate: Surrogate;

  /**
   * Makes the layer; the surrogate is checked here, so a bad one fails at construction.
   *
   * @param args the usual layer arguments (`name`, ...) and the required `surrogate` whose smooth function the
   *   forward pass computes
   */
  constructor(args: SurrogateActivationArgs) {
    super(args);
    if (args?.surrogate === undefined) throw new SurrogateError(`SurrogateActivation '${this.name}': expected a surrogate; found none`);
    this.surrogate = resolveSurrogate(args.surrogate);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return surrogateActivation(singleTensor(inputs, 'SurrogateActivation'), this.surrogate);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), surrogate: { ...surrogateToSpec(this.surrogate) } };
  }
}
registerClassOnce(SurrogateActivation);

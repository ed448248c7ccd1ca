import type { SugarRegion, SurrogateSpec } from './activation-spec';
import { singleTensor, type LayerArgs } from './layer-args';
import { checkRegion, sugarRelu } from './sugar-relu';
import { resolveSurrogate, surrogateToSpec, type Surrogate, type SurrogateLike } from './surrogate';
import { registerClassOnce } from './registry-guard';
import * as tf from './tf';

export interface SugarReLUArgs extends LayerArgs {
  /** The surrogate whose derivative replaces ReLU's step (default `{ name: 'bsilu' }`, alpha 1.67). */
  surrogate?: SurrogateLike;
  region?: SugarRegion;
}

/** ReLU forward, surrogate derivative backward; saves and loads with its surrogate and region. */
export class SugarReLU extends tf.layers.Layer {
  static className = 'SugarReLU';
  readonly region: SugarRegion;
  private current: Surrogate;

  /**
   * Makes the layer; the surrogate and region are checked here, so a bad one fails at construction.
   *
   * @param args the usual layer arguments (`name`, ...), the surrogate whose derivative is used backward (default
   *   `{ name: 'bsilu' }`) and the `region` where it replaces ReLU's step (`'all'`, the default, or `'negative'`)
   */
  constructor(args: SugarReLUArgs = {}) {
    super(args);
    this.current = resolveSurrogate(args.surrogate ?? { name: 'bsilu' });
    this.region = checkRegion(args.region, `SugarReLU '${this.name}'`);
    this.supportsMasking = true;
  }

  /** The surrogate whose derivative the backward pass uses. */
  get surrogate(): Surrogate {
    return this.current;
  }

  /**
   * Uses another surrogate's derivative from the next call on (the forward pass stays ReLU), e.g. plain
   * ReLU's to take the network's true gradient. Checked like the constructor's; saved configs carry it.
   *
   * @param surrogate a surrogate name, spec (`{ name: 'nelu', alpha: 0.1 }`), canonical string or resolved surrogate
   */
  setSurrogate(surrogate: SurrogateLike): void {
    this.current = resolveSurrogate(surrogate);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return sugarRelu(singleTensor(inputs, 'SugarReLU'), this.surrogate, { region: this.region });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const surrogate: SurrogateSpec = surrogateToSpec(this.surrogate);
    return { ...super.getConfig(), surrogate: { ...surrogate }, region: this.region };
  }
}
registerClassOnce(SugarReLU);

/**
 * `new SugarReLU(args)`, in the style of `tf.layers.*`.
 *
 * @param args the surrogate, its region and the layer's name
 */
export function sugarReLU(args: SugarReLUArgs = {}): SugarReLU {
  return new SugarReLU(args);
}

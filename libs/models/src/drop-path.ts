import { tf } from '@sugar-lab/core';
import { layerError, oneTensor, type LayerArgs } from './block-helpers';

export interface DropPathArgs extends LayerArgs {
  /** Probability of dropping a sample's whole residual branch, in [0, 1). */
  rate: number;
  /** Seeds the layer's mask stream (default: a random seed). */
  seed?: number;
}

/** A small 32-bit generator (mulberry32): uniform floats in [0, 1) from a seed. */
function uniforms(state: { s: number }, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = (state.s = (state.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push(((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/**
 * Stochastic depth (Huang et al. 2016; timm's DropPath): in training, each sample's input is zeroed
 * with probability `rate` and the rest scaled by 1 / (1 - rate); identity at inference. Apply it
 * to a residual branch before the add. Each training call draws a fresh mask from the layer's own
 * seeded stream (tfjs' dropout reuses one fixed seed, so one mask forever); the stream restarts
 * from `seed` when the layer is rebuilt, e.g. after loading a saved model.
 */
export class DropPath extends tf.layers.Layer {
  static className = 'DropPath';
  readonly rate: number;
  readonly seed: number | undefined;
  private readonly state: { s: number };

  /**
   * Makes the layer; the rate is checked here.
   *
   * @param args the usual layer arguments (`name`, ...), the required drop `rate` in [0, 1) and the mask stream's `seed`
   *   (default random)
   */
  constructor(args: DropPathArgs) {
    super(args);
    this.rate = args.rate;
    if (typeof this.rate !== 'number' || !(this.rate >= 0 && this.rate < 1)) throw layerError(this, 'rate', 'a number in [0, 1)', args.rate);
    if (args.seed !== undefined && !Number.isInteger(args.seed)) throw layerError(this, 'seed', 'an integer', args.seed);
    this.seed = args.seed;
    this.state = { s: (args.seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0 };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = oneTensor(inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const keep = 1 - this.rate;
    const mask = uniforms(this.state, x.shape[0]).map((u) => (u < keep ? 1 / keep : 0));
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, [x.shape[0], ...x.shape.slice(1).map(() => 1)])));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(DropPath);

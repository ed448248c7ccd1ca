import { tf } from '@sugar-lab/core';
import { layerError, linear, oneShape, oneTensor, staticDims, truncNormal, type LayerArgs } from './block-helpers';
import { layerNorm } from './layer-norm';

export interface PatchMergingArgs extends LayerArgs {
  /** Output channels (Swin: twice the input's). Default 2 C. */
  filters?: number;
  /** LayerNorm epsilon (Swin: PyTorch's 1e-5). Default 1e-5. */
  epsilon?: number;
  /** Std of the truncated-normal kernel init (timm: 0.02). Default 0.02. */
  initStd?: number;
  seed?: number;
}

/**
 * Swin's patch merging: each 2x2 neighbourhood of an NHWC map concatenated to 4C channels in
 * Swin's order [(0,0), (1,0), (0,1), (1,1)] (row, column offsets), LayerNorm over them, then a
 * bias-free linear map to `filters` channels: [b, h, w, C] -> [b, h/2, w/2, filters].
 */
export class PatchMerging extends tf.layers.Layer {
  static className = 'PatchMerging';
  readonly filters: number | undefined;
  readonly epsilon: number;
  readonly initStd: number;
  readonly seed: number | undefined;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;
  private kernel?: tf.LayerVariable;

  /**
   * Makes the layer; the norm and the projection are created when it is built.
   *
   * @param args the usual layer arguments (`name`, ...), output `filters` (default twice the input's channels), the norm's
   *   `epsilon` (default 1e-5), the kernel's init std (`initStd`, default 0.02) and `seed`
   */
  constructor(args: PatchMergingArgs = {}) {
    super(args);
    if (args.filters !== undefined && !(Number.isInteger(args.filters) && args.filters > 0)) throw layerError(this, 'filters', 'an integer >= 1', args.filters);
    this.filters = args.filters;
    this.epsilon = args.epsilon ?? 1e-5;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0)) throw layerError(this, 'epsilon', 'a number > 0', args.epsilon);
    this.initStd = args.initStd ?? 0.02;
    this.seed = args.seed;
  }

  private outChannels(c: number): number {
    return this.filters ?? 2 * c;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape(inputShape);
    const [h, w, c] = staticDims(this, shape, 4, '[batch, height, width, channels]');
    if (h % 2 || w % 2) throw layerError(this, 'inputShape', 'even height and width', shape);
    this.gamma = this.addWeight('norm_gamma', [4 * c], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('norm_beta', [4 * c], 'float32', tf.initializers.zeros());
    this.kernel = this.addWeight('reduction_kernel', [4 * c, this.outChannels(c)], 'float32', truncNormal(this.initStd, this.seed));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, h, w, c] = x.shape as [number, number, number, number];
      // [b*h/2, dh, w/2, dw, c] -> [b*h/2, w/2, dw, dh, c]: channel index dw*2c + dh*c + ch.
      const merged = tf.reshape(tf.transpose(tf.reshape(x, [b * (h / 2), 2, w / 2, 2, c]), [0, 2, 3, 1, 4]), [b, h / 2, w / 2, 4 * c]);
      return linear(layerNorm(merged, this.gamma!.read(), this.beta!.read(), this.epsilon), this.kernel!.read());
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = oneShape(inputShape);
    return [b, (h as number) / 2, (w as number) / 2, this.outChannels(c as number)];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), epsilon: this.epsilon, initStd: this.initStd };
    if (this.filters !== undefined) config.filters = this.filters;
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(PatchMerging);

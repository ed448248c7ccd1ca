import { tf } from '@sugar-lab/core';
import { layerError, linear, oneShape, oneTensor, positiveInt, staticDims, truncNormal, type LayerArgs } from './block-helpers';

export interface PatchEmbeddingArgs extends LayerArgs {
  /** Side of the square, non-overlapping patches (the conv's kernel size and stride). */
  patchSize: number;
  /** Output channels (the embedding dimension). */
  filters: number;
  /** Default true. */
  useBias?: boolean;
  /** Std of the truncated-normal kernel init (timm: 0.02). Default 0.02. */
  initStd?: number;
  seed?: number;
}

/**
 * Patch embedding (ViT, Swin) and patchify stem / downsampling (ConvNeXt): a k x k conv with
 * stride k and no padding, NHWC in and out, kernel [k, k, C, D] in Conv2D's layout. A
 * non-overlapping conv is a reshape into patches plus one matmul, which every backend runs with
 * its fastest kernel and whose gradient needs no conv-backprop kernels. Like PyTorch's conv,
 * rows and columns past the last whole patch are dropped.
 */
export class PatchEmbedding extends tf.layers.Layer {
  static className = 'PatchEmbedding';
  readonly patchSize: number;
  readonly filters: number;
  readonly useBias: boolean;
  readonly initStd: number;
  readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  /**
   * Makes the layer; the convolution is created when it is built.
   *
   * @param args the usual layer arguments (`name`, ...), the required `patchSize` (pixels per patch side) and `filters` (the
   *   embedding width), `useBias` (default true), the kernel's init std (`initStd`, default 0.02) and `seed`
   */
  constructor(args: PatchEmbeddingArgs) {
    super(args);
    this.patchSize = positiveInt(this, 'patchSize', args.patchSize);
    this.filters = positiveInt(this, 'filters', args.filters);
    this.useBias = args.useBias ?? true;
    this.initStd = args.initStd ?? 0.02;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape(inputShape);
    const [h, w, c] = staticDims(this, shape, 4, '[batch, height, width, channels]');
    const p = this.patchSize;
    if (h < p || w < p) throw layerError(this, 'inputShape', `height and width >= patchSize ${p}`, shape);
    this.kernel = this.addWeight('kernel', [p, p, c, this.filters], 'float32', truncNormal(this.initStd, this.seed));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = oneTensor(inputs);
      const [b, h, w, c] = x.shape as [number, number, number, number];
      const p = this.patchSize;
      const [gh, gw] = [Math.floor(h / p), Math.floor(w / p)];
      if (gh * p !== h || gw * p !== w) x = tf.slice(x, [0, 0, 0, 0], [b, gh * p, gw * p, c]);
      // [b*gh, p, gw, p*c] -> [b*gh, gw, p, p*c]: each patch's (row, column, channel) becomes one row of
      // p*p*c values in the order of the [p, p, c, filters] kernel.
      const patches = tf.transpose(tf.reshape(x, [b * gh, p, gw, p * c]), [0, 2, 1, 3]);
      const kernel = tf.reshape(this.kernel!.read(), [p * p * c, this.filters]);
      const y = linear(tf.reshape(patches, [b * gh * gw, p * p * c]), kernel, this.bias?.read());
      return tf.reshape(y, [b, gh, gw, this.filters]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w] = oneShape(inputShape);
    const p = this.patchSize;
    return [b, Math.floor((h as number) / p), Math.floor((w as number) / p), this.filters];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      patchSize: this.patchSize,
      filters: this.filters,
      useBias: this.useBias,
      initStd: this.initStd,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(PatchEmbedding);

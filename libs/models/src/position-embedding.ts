import { tf } from '@sugar-lab/core';
import { oneShape, oneTensor, staticDims, truncNormal, type LayerArgs } from './block-helpers';

export interface PositionEmbeddingArgs extends LayerArgs {
  /** Std of the truncated-normal init (timm's ViT: 0.02). Default 0.02. */
  initStd?: number;
  seed?: number;
}

/** Learned absolute position embedding (ViT): x + pos, with pos [1, n, D] for an input [b, n, D]. */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'PositionEmbedding';
  readonly initStd: number;
  readonly seed: number | undefined;
  private embedding?: tf.LayerVariable;

  /**
   * Makes the layer; the table is created, one row per token, when it is built.
   *
   * @param args the usual layer arguments (`name`, ...), the table's truncated-normal init std (`initStd`, default 0.02) and `seed`
   */
  constructor(args: PositionEmbeddingArgs = {}) {
    super(args);
    this.initStd = args.initStd ?? 0.02;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [n, d] = staticDims(this, oneShape(inputShape), 3, '[batch, tokens, channels]');
    this.embedding = this.addWeight('position_embedding', [1, n, d], 'float32', truncNormal(this.initStd, this.seed));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.add(oneTensor(inputs), this.embedding!.read());
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), initStd: this.initStd };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(PositionEmbedding);

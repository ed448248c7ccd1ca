import { tf } from '@sugar-lab/core';
import { oneShape, oneTensor, staticDims, truncNormal, type LayerArgs } from './block-helpers';

export interface ClassTokenArgs extends LayerArgs {
  /** Std of the token's truncated-normal init (timm's ViT: 1e-6). Default 1e-6. */
  initStd?: number;
  seed?: number;
}

/** ViT's class token: a learned [1, D] token prepended to the sequence, [b, n, D] -> [b, n + 1, D]. */
export class ClassToken extends tf.layers.Layer {
  static className = 'ClassToken';
  readonly initStd: number;
  readonly seed: number | undefined;
  private token?: tf.LayerVariable;

  /**
   * Makes the layer; the token is created when the layer is built.
   *
   * @param args the usual layer arguments (`name`, ...), the std of the token's truncated-normal init (`initStd`, default 1e-6) and
   *   its `seed` (default random)
   */
  constructor(args: ClassTokenArgs = {}) {
    super(args);
    this.initStd = args.initStd ?? 1e-6;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, d] = staticDims(this, oneShape(inputShape), 3, '[batch, tokens, channels]');
    this.token = this.addWeight('class_token', [1, 1, d], 'float32', truncNormal(this.initStd, this.seed));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, , d] = x.shape as [number, number, number];
      // Broadcast by an add (its gradient is a sum), one token per sample.
      const tokens = tf.add(tf.zeros([b, 1, d]), this.token!.read());
      return tf.concat([tokens, x], 1);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, n, d] = oneShape(inputShape);
    return [b, (n as number) + 1, d];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), initStd: this.initStd };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(ClassToken);

/** The class token's output, [b, n, D] -> [b, D] (ViT's 'token' pooling before the head). */
export class ClassTokenPool extends tf.layers.Layer {
  static className = 'ClassTokenPool';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, , d] = x.shape as [number, number, number];
      return tf.reshape(tf.slice(x, [0, 0, 0], [b, 1, d]), [b, d]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, , d] = oneShape(inputShape);
    return [b, d];
  }
}
tf.serialization.registerClass(ClassTokenPool);

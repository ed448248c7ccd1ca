import { tf } from '@sugar-lab/core';
import { layerError, oneShape, oneTensor, type LayerArgs } from './block-helpers';

export interface LayerNormArgs extends LayerArgs {
  /** Added to the variance (ConvNeXt and timm's ViT: 1e-6, Swin: PyTorch's 1e-5). Default 1e-6. */
  epsilon?: number;
}

/** (x - mean) / sqrt(var + eps) * gamma + beta over the last axis (biased variance, as PyTorch). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const centered = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(centered), axis, true);
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  });
}

/**
 * LayerNorm over the channels (last axis) of NHWC images or [batch, tokens, channels] sequences,
 * PyTorch's `nn.LayerNorm(C)`. tfjs' layerNormalization tiles mean, variance, gamma and beta to
 * the full input shape on every call; this broadcasts them.
 */
export class LayerNorm extends tf.layers.Layer {
  static className = 'LayerNorm';
  readonly epsilon: number;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;

  /**
   * Makes the layer; the scale and offset are created when it is built.
   *
   * @param args the usual layer arguments (`name`, ...) and the `epsilon` added to the variance (default 1e-6)
   */
  constructor(args: LayerNormArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-6;
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0)) throw layerError(this, 'epsilon', 'a number > 0', args.epsilon);
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape(inputShape);
    const c = shape[shape.length - 1];
    if (!Number.isInteger(c)) throw layerError(this, 'inputShape', 'a known size of the last axis', shape);
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return layerNorm(oneTensor(inputs), this.gamma!.read(), this.beta!.read(), this.epsilon);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(LayerNorm);

import { tf } from '@sugar-lab/core';
import { layerError, oneShape, oneTensor, type LayerArgs } from './block-helpers';

export interface LayerScaleArgs extends LayerArgs {
  /** Initial value of every per-channel scale (ConvNeXt: 1e-6, CaiT: 1e-5 .. 0.1). Default 1e-6. */
  initValue?: number;
}

/**
 * Layer scale (CaiT, ConvNeXt): x * gamma with a learned per-channel gamma on the last axis that
 * starts near zero, so each residual branch starts as an almost-identity.
 */
export class LayerScale extends tf.layers.Layer {
  static className = 'LayerScale';
  readonly initValue: number;
  private gamma?: tf.LayerVariable;

  /**
   * Makes the layer; the per-channel scales are created when it is built.
   *
   * @param args the usual layer arguments (`name`, ...) and the scales' `initValue` (default 1e-6)
   */
  constructor(args: LayerScaleArgs = {}) {
    super(args);
    this.initValue = args.initValue ?? 1e-6;
    if (typeof this.initValue !== 'number' || !Number.isFinite(this.initValue)) throw layerError(this, 'initValue', 'a finite number', args.initValue);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape(inputShape);
    const c = shape[shape.length - 1];
    if (!Number.isInteger(c)) throw layerError(this, 'inputShape', 'a known size of the last axis', shape);
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.constant({ value: this.initValue }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.mul(oneTensor(inputs), this.gamma!.read());
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initValue: this.initValue };
  }
}
tf.serialization.registerClass(LayerScale);

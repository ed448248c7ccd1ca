import { tf } from '@sugar-lab/core';
import { layerError, linear, type Initializer, oneShape, oneTensor, positiveInt, staticDims, truncNormal, type LayerArgs } from './block-helpers';

export interface MultiHeadSelfAttentionArgs extends LayerArgs {
  numHeads: number;
  /** Bias in the q, k, v projection (ViT and Swin: true). The output projection always has one. */
  qkvBias?: boolean;
  /** Std of the truncated-normal kernel init (timm: 0.02). Default 0.02. */
  initStd?: number;
  seed?: number;
}

export interface AttentionWeights {
  qkvKernel: tf.Tensor;
  qkvBias?: tf.Tensor;
  projKernel: tf.Tensor;
  projBias: tf.Tensor;
}

/**
 * Scaled dot-product self-attention of x [b, n, C] with `heads` heads, as timm's Attention:
 * one qkv projection laid out [q heads | k heads | v heads], q scaled by head_dim^-0.5,
 * softmax(q k^T + bias) v, heads merged, output projection. `bias` is added to the logits
 * [b, heads, n, n] with broadcasting (relative position bias). A bias [g, heads, n, n] with `groups` g
 * applies slice i % g to batch row i (window masks: b = images x g windows, image-major).
 */
export function selfAttention(x: tf.Tensor, w: AttentionWeights, heads: number, bias?: tf.Tensor, groups = 1): tf.Tensor {
  return tf.tidy(() => {
    const [b, n, c] = x.shape as [number, number, number];
    const hd = c / heads;
    const qkv = tf.transpose(tf.reshape(linear(x, w.qkvKernel, w.qkvBias), [b, n, 3 * heads, hd]), [0, 2, 1, 3]);
    const [q, k, v] = tf.split<tf.Tensor4D>(qkv, 3, 1);
    let logits = tf.matMul(tf.mul(q, 1 / Math.sqrt(hd)), k, false, true);
    if (bias && groups > 1) logits = tf.reshape(tf.add(tf.reshape(logits, [b / groups, groups, heads, n, n]), bias), [b, heads, n, n]);
    else if (bias) logits = tf.add(logits, bias);
    const out = tf.matMul(tf.softmax(logits), v);
    const merged = tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [b, n, c]);
    return linear(merged, w.projKernel, w.projBias);
  });
}

export type AddWeight = (name: string, shape: number[], init: Initializer) => tf.LayerVariable;

/** Adds the q/k/v and output projection weights of a `c`-channel attention layer through `add`. */
export function addAttentionWeights(add: AddWeight, c: number, qkvBias: boolean, initStd: number, seed?: number) {
  // Two initializers from one seed would draw the same numbers: offset the second.
  const s2 = seed === undefined ? undefined : (seed + 1) >>> 0;
  return {
    qkvKernel: add('qkv_kernel', [c, 3 * c], truncNormal(initStd, seed)),
    qkvBias: qkvBias ? add('qkv_bias', [3 * c], tf.initializers.zeros()) : undefined,
    projKernel: add('proj_kernel', [c, c], truncNormal(initStd, s2)),
    projBias: add('proj_bias', [c], tf.initializers.zeros()),
  };
}

export type AttentionVariables = ReturnType<typeof addAttentionWeights>;

export function readAttention(v: AttentionVariables): AttentionWeights {
  return { qkvKernel: v.qkvKernel.read(), qkvBias: v.qkvBias?.read(), projKernel: v.projKernel.read(), projBias: v.projBias.read() };
}

/** Multi-head self-attention over a token sequence [b, n, C] -> [b, n, C] (ViT's attention). */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'MultiHeadSelfAttention';
  readonly numHeads: number;
  readonly qkvBias: boolean;
  readonly initStd: number;
  readonly seed: number | undefined;
  private w?: AttentionVariables;

  /**
   * Makes the layer; `numHeads` is checked here, and against the input's width when the layer is built.
   *
   * @param args the usual layer arguments (`name`, ...), the required `numHeads`, whether the q, k, v projection has a bias
   *   (`qkvBias`, default true), the kernels' init std (`initStd`, default 0.02) and their `seed`
   */
  constructor(args: MultiHeadSelfAttentionArgs) {
    super(args);
    this.numHeads = positiveInt(this, 'numHeads', args.numHeads);
    this.qkvBias = args.qkvBias ?? true;
    this.initStd = args.initStd ?? 0.02;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape(inputShape);
    const [, c] = staticDims(this, shape, 3, '[batch, tokens, channels]');
    if (c % this.numHeads !== 0) throw layerError(this, 'numHeads', `a divisor of the ${c} channels`, this.numHeads);
    this.w = addAttentionWeights((name, shape, init) => this.addWeight(name, shape, 'float32', init), c, this.qkvBias, this.initStd, this.seed);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return selfAttention(oneTensor(inputs), readAttention(this.w!), this.numHeads);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), numHeads: this.numHeads, qkvBias: this.qkvBias, initStd: this.initStd };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(MultiHeadSelfAttention);

import { tf } from '@sugar-lab/core';
import { layerError, oneShape, type Initializer, oneTensor, positiveInt, staticDims, truncNormal, type LayerArgs } from './block-helpers';
import { addAttentionWeights, readAttention, selfAttention, type AttentionVariables } from './multi-head-attention';

export interface WindowAttentionArgs extends LayerArgs {
  numHeads: number;
  /** Side of the square attention windows. Clamped to the input's size, as in Swin. */
  windowSize: number;
  /** Cyclic shift of the windows (Swin's odd blocks: windowSize / 2). Default 0. */
  shiftSize?: number;
  qkvBias?: boolean;
  /** Std of the truncated-normal init of kernels and the bias table (timm: 0.02). Default 0.02. */
  initStd?: number;
  seed?: number;
}

/** Swin's logit penalty between tokens that a cyclic shift brought from different image regions. */
const MASKED = -100;

/** For each pair of tokens (t1, t2) of a w x w window, the row of its offset in the bias table. */
export function relativePositionIndex(w: number): number[] {
  const out: number[] = [];
  for (let t1 = 0; t1 < w * w; t1++) {
    for (let t2 = 0; t2 < w * w; t2++) {
      const dh = Math.floor(t1 / w) - Math.floor(t2 / w) + w - 1;
      const dw = (t1 % w) - (t2 % w) + w - 1;
      out.push(dh * (2 * w - 1) + dw);
    }
  }
  return out;
}

/** Swin's attention mask for a shifted h x w map: [windows, w*w, w*w], 0 or MASKED. */
export function shiftedWindowMask(h: number, w: number, win: number, shift: number): Float32Array {
  const region = (i: number, n: number) => (i < n - win ? 0 : i < n - shift ? 1 : 2);
  const label = (r: number, c: number) => region(r, h) * 3 + region(c, w);
  const [nh, nw, n] = [h / win, w / win, win * win];
  const mask = new Float32Array(nh * nw * n * n);
  for (let wi = 0; wi < nh * nw; wi++) {
    const [r0, c0] = [Math.floor(wi / nw) * win, (wi % nw) * win];
    const labels = Array.from({ length: n }, (_, t) => label(r0 + Math.floor(t / win), c0 + (t % win)));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mask[(wi * n + i) * n + j] = labels[i] === labels[j] ? 0 : MASKED;
  }
  return mask;
}

/** torch.roll(x, shift, axis) for axis 1 and 2 of NHWC: out[i] = x[(i - shift) mod n]. */
function roll2d(x: tf.Tensor, shift: number): tf.Tensor {
  let y = x;
  for (const axis of [1, 2]) {
    const n = y.shape[axis];
    const s = ((shift % n) + n) % n;
    if (s === 0) continue;
    const [head, tail] = tf.split(y, [n - s, s], axis);
    y = tf.concat([tail, head], axis);
  }
  return y;
}

/**
 * Swin's (shifted) window multi-head self-attention on NHWC maps: cyclic shift by -shiftSize,
 * w x w windows, attention inside each window with a learned relative position bias
 * ((2w-1)^2 x heads table) and, when shifted, the mask that keeps regions apart; windows merged
 * and the shift undone. As in Swin, a map no larger than the window gets one window and no shift.
 * The bias table is read through a constant one-hot matrix (a matmul), since a gather's gradient
 * needs a scatter kernel that the wasm backend lacks.
 */
export class WindowAttention extends tf.layers.Layer {
  static className = 'WindowAttention';
  readonly numHeads: number;
  readonly windowSize: number;
  readonly shiftSize: number;
  readonly qkvBias: boolean;
  readonly initStd: number;
  readonly seed: number | undefined;
  private w?: AttentionVariables;
  private table?: tf.LayerVariable;
  private win = 0;
  private shift = 0;
  private constants?: { oneHot: tf.Tensor2D; mask?: tf.Tensor };

  /**
   * Makes the layer; the head count, window and shift are checked here (the shift must be below the window).
   *
   * @param args the usual layer arguments (`name`, ...), the required `numHeads` and `windowSize` (tokens per window side),
   *   the cyclic `shiftSize` (default 0), `qkvBias` (default true), the init std of kernels and bias table (`initStd`, default 0.02)
   *   and `seed`
   */
  constructor(args: WindowAttentionArgs) {
    super(args);
    this.numHeads = positiveInt(this, 'numHeads', args.numHeads);
    this.windowSize = positiveInt(this, 'windowSize', args.windowSize);
    this.shiftSize = args.shiftSize ?? 0;
    if (!Number.isInteger(this.shiftSize) || this.shiftSize < 0 || this.shiftSize >= this.windowSize) {
      throw layerError(this, 'shiftSize', `an integer in [0, windowSize ${this.windowSize})`, args.shiftSize);
    }
    this.qkvBias = args.qkvBias ?? true;
    this.initStd = args.initStd ?? 0.02;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = oneShape(inputShape);
    const [h, w, c] = staticDims(this, shape, 4, '[batch, height, width, channels]');
    this.win = Math.min(this.windowSize, h, w);
    this.shift = Math.min(h, w) <= this.windowSize ? 0 : this.shiftSize;
    if (h % this.win || w % this.win) throw layerError(this, 'inputShape', `height and width divisible by windowSize ${this.win}`, shape);
    if (c % this.numHeads !== 0) throw layerError(this, 'numHeads', `a divisor of the ${c} channels`, this.numHeads);
    const add = (name: string, s: number[], init: Initializer) => this.addWeight(name, s, 'float32', init);
    this.w = addAttentionWeights(add, c, this.qkvBias, this.initStd, this.seed);
    const s3 = this.seed === undefined ? undefined : (this.seed + 2) >>> 0;
    this.table = add('relative_position_bias_table', [(2 * this.win - 1) ** 2, this.numHeads], truncNormal(this.initStd, s3));
    this.constants = this.makeConstants(h, w);
    this.built = true;
  }

  // Kept with the layer (not weights: nothing to learn or save) and freed with its weights.
  private makeConstants(h: number, w: number): { oneHot: tf.Tensor2D; mask?: tf.Tensor } {
    this.disposeConstants();
    const win = this.win;
    const n = win * win;
    const t = (2 * win - 1) ** 2;
    const rows = new Float32Array(n * n * t);
    relativePositionIndex(win).forEach((col, row) => (rows[row * t + col] = 1));
    const oneHot = tf.tensor2d(rows, [n * n, t]);
    const mask = this.shift ? tf.tensor(shiftedWindowMask(h, w, win, this.shift), [(h / win) * (w / win), 1, n, n]) : undefined;
    return { oneHot: tf.keep(oneHot), mask: mask && tf.keep(mask) };
  }

  private disposeConstants(): void {
    if (this.constants) tf.dispose([this.constants.oneHot, ...(this.constants.mask ? [this.constants.mask] : [])]);
    this.constants = undefined;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = oneTensor(inputs);
      const [b, h, w, c] = x.shape as [number, number, number, number];
      const [win, n, heads] = [this.win, this.win * this.win, this.numHeads];
      const { oneHot, mask } = this.constants!;
      const groups = (h / win) * (w / win);
      // [n*n, T] x [T, heads] -> [heads, n, n]: the table row of each token pair's offset, per head.
      const rel = tf.transpose(tf.reshape(tf.matMul(oneHot, this.table!.read() as tf.Tensor2D), [n, n, heads]), [2, 0, 1]);
      const bias = mask ? tf.add(rel, mask) : rel;
      const shifted = this.shift ? roll2d(x, -this.shift) : x;
      // [b*h/win, win, w/win, win*c] -> [b*h/win, w/win, win, win*c] -> windows [b*groups, win*win, c].
      const windows = tf.reshape(tf.transpose(tf.reshape(shifted, [b * (h / win), win, w / win, win * c]), [0, 2, 1, 3]), [b * groups, n, c]);
      const out = selfAttention(windows, readAttention(this.w!), heads, bias, mask ? groups : 1);
      const merged = tf.reshape(tf.transpose(tf.reshape(out, [b * (h / win), w / win, win, win * c]), [0, 2, 1, 3]), [b, h, w, c]);
      return this.shift ? roll2d(merged, this.shift) : merged;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  protected override disposeWeights(): number {
    this.disposeConstants();
    return super.disposeWeights();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      numHeads: this.numHeads,
      windowSize: this.windowSize,
      shiftSize: this.shiftSize,
      qkvBias: this.qkvBias,
      initStd: this.initStd,
    };
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}
tf.serialization.registerClass(WindowAttention);

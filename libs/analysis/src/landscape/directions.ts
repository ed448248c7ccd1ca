import { tf } from '@sugar-lab/core';
import { LandscapeError } from './errors';
import type { ParamVector } from './param-vector';

export interface DirectionOptions {
  /**
   * Weights of rank <= 1 (biases, batch-norm gamma and beta): 'biasbn' (default) zeroes the direction
   * there, as Li et al.'s `ignore='biasbn'`; 'none' sets it to the weight itself, as their default does.
   */
  ignore?: 'biasbn' | 'none';
}

/** Depthwise kernels [kh, kw, in, multiplier] have one filter per (input channel, multiplier) pair. */
function isDepthwise(t: tf.Tensor): boolean {
  return t instanceof tf.Variable && /depthwise_kernel/.test(t.name);
}

/**
 * A kernel as [entries per filter, filters]: tfjs keeps the output unit or channel on the last axis
 * (dense [in, out], conv [kh, kw, in, out]), which is PyTorch's first axis, the one Li et al. normalize over.
 */
function asFilterColumns(t: tf.Tensor, depthwise: boolean): tf.Tensor2D {
  const filters = depthwise ? t.shape[t.rank - 1] * t.shape[t.rank - 2] : t.shape[t.rank - 1];
  return tf.reshape(t, [-1, filters]);
}

/** L2 norm of each filter of a kernel (rank >= 2): one per output unit or channel. */
export function filterNorms(t: tf.Tensor, opts: { depthwise?: boolean } = {}): tf.Tensor1D {
  if (t.rank < 2) throw new LandscapeError(`filterNorms: expected a kernel of rank >= 2; found shape [${t.shape.join(',')}]`);
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(asFilterColumns(t, opts.depthwise ?? isDepthwise(t))), 0)) as tf.Tensor1D);
}

/**
 * Filter normalization (Li et al., 2018, "Visualizing the Loss Landscape of Neural Nets"): each filter
 * of the direction is rescaled to the norm of the same filter of the weights, d_f <- d_f / |d_f| * |w_f|,
 * so a step of 1 along it moves every filter by its own size and scale-invariant networks compare.
 * Weights of rank <= 1 follow `opts.ignore`. Returns new tensors.
 */
export function filterNormalize(direction: ParamVector, weights: ParamVector, opts: DirectionOptions = {}): ParamVector {
  const ignore = opts.ignore ?? 'biasbn';
  if (ignore !== 'biasbn' && ignore !== 'none')
    throw new LandscapeError(`filterNormalize: ignore expected 'biasbn' or 'none'; found ${JSON.stringify(ignore)}`);
  if (direction.length !== weights.length)
    throw new LandscapeError(`filterNormalize: expected one direction tensor per weight (${weights.length}); found ${direction.length}`);
  return direction.map((d, i) => {
    const w = weights[i];
    if (!tf.util.arraysEqual(d.shape, w.shape))
      throw new LandscapeError(`filterNormalize: direction ${i} expected shape [${w.shape.join(',')}]; found [${d.shape.join(',')}]`);
    return tf.tidy(() => {
      if (w.rank <= 1) return ignore === 'biasbn' ? tf.zerosLike(w) : tf.clone(w);
      const depthwise = isDepthwise(w);
      const dCols = asFilterColumns(d, depthwise);
      const scale = tf.div(filterNorms(w, { depthwise }), tf.add(filterNorms(dCols), 1e-10));
      return tf.reshape(tf.mul(dCols, scale), d.shape);
    });
  });
}

// FNV-1a over the parts: independent streams per (seed, direction, variable), stable across runs.
function streamSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('/')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A standard-normal direction shaped like `weights`, determined by (seed, stream): the same seed gives
 * the same raw direction for every model of one architecture, whatever its weights.
 */
export function randomDirection(weights: ParamVector, seed: number, stream = 0): ParamVector {
  if (!Number.isFinite(seed)) throw new LandscapeError(`randomDirection: seed expected a finite number; found ${seed}`);
  return weights.map((w, i) => tf.randomNormal(w.shape, 0, 1, 'float32', streamSeed(seed, stream, i)));
}

/** `filterNormalize(randomDirection(weights, seed, stream), weights, opts)`. */
export function filterNormalizedDirection(weights: ParamVector, seed: number, stream = 0, opts: DirectionOptions = {}): ParamVector {
  const raw = randomDirection(weights, seed, stream);
  try {
    return filterNormalize(raw, weights, opts);
  } finally {
    tf.dispose(raw);
  }
}

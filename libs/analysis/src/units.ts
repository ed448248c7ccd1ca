import { tf } from '@sugar-lab/core';

// Unit statistics of one activation layer. A "unit" is one feature of the last axis: a neuron of a
// dense layer, a channel of a convolution (channels last), so every statistic averages over all
// leading axes (inputs x positions). A unit is "alive" on an input where its pre-activation is
// positive: there a ReLU passes it on and its true gradient is non-zero.

function leadingAxes(x: tf.Tensor): number[] {
  if (x.rank < 1) throw new RangeError(`unit statistics: expected a tensor of rank >= 1 (units on the last axis); found rank 0`);
  return Array.from({ length: x.rank - 1 }, (_, i) => i);
}

/**
 * Per unit, how many entries of `pre` are > 0 (int32, shape [units]).
 *
 * @param pre pre-activations, units on the last axis
 */
export function positiveCounts(pre: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum<tf.Tensor1D>(tf.cast(tf.greater(pre, 0), 'int32'), leadingAxes(pre)));
}

/**
 * Per unit, the fraction of inputs x positions where the pre-activation is > 0 (shape [units]).
 *
 * @param pre pre-activations, units on the last axis
 */
export function activationProbability(pre: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.mean<tf.Tensor1D>(tf.cast(tf.greater(pre, 0), 'float32'), leadingAxes(pre)));
}

/**
 * Per unit, true where the pre-activation is never > 0 over the whole set (bool, shape [units]).
 *
 * @param pre pre-activations, units on the last axis
 */
export function deadUnitMask(pre: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.equal<tf.Tensor1D>(positiveCounts(pre), 0));
}

/**
 * Fraction of units whose pre-activation is never positive over the given set.
 *
 * @param pre pre-activations, units on the last axis
 */
export function deadUnitFraction(pre: tf.Tensor): number {
  return tf.tidy(() => tf.mean(tf.cast(deadUnitMask(pre), 'float32')).dataSync()[0]);
}

/**
 * Fraction of entries that are exactly zero (of an activation's output).
 *
 * @param post an activation's outputs, of any shape
 */
export function sparsity(post: tf.Tensor): number {
  if (post.size === 0) return NaN;
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(post, 0), 'int32')).dataSync()[0] / post.size);
}

/**
 * Mean and population standard deviation over all entries (of a pre-activation).
 *
 * @param pre pre-activations of any shape
 */
export function preactivationMoments(pre: tf.Tensor): { mean: number; std: number } {
  const [m, v] = tf.tidy(() => {
    const { mean, variance } = tf.moments(pre);
    return [mean.dataSync()[0], variance.dataSync()[0]];
  });
  return { mean: m, std: Math.sqrt(v) };
}

/**
 * Units dead at some earlier measurement (`everDead`) and alive now: the resurrected ones. Both
 * masks are per unit, 1/true = dead.
 *
 * @param everDead per unit, dead (1/true) at some earlier measurement
 * @param deadNow per unit, dead now
 */
export function resurrectedCount(everDead: ArrayLike<number | boolean>, deadNow: ArrayLike<number | boolean>): number {
  if (everDead.length !== deadNow.length) {
    throw new RangeError(`resurrectedCount: expected masks of equal length; found ${everDead.length} and ${deadNow.length}`);
  }
  let n = 0;
  for (let i = 0; i < deadNow.length; i++) if (everDead[i] && !deadNow[i]) n++;
  return n;
}

/**
 * Count of units dead in `deadNow` that were alive in `deadBefore` (newly died).
 *
 * @param deadBefore per unit, dead (1/true) at the previous measurement
 * @param deadNow per unit, dead now
 */
export function newlyDeadCount(deadBefore: ArrayLike<number | boolean>, deadNow: ArrayLike<number | boolean>): number {
  return resurrectedCount(deadNow, deadBefore);
}

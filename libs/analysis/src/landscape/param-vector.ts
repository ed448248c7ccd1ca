import { tf } from '@sugar-lab/core';
import { LandscapeError } from './errors';

/** A point or direction in parameter space: one tensor per variable, in the variables' order. */
export type ParamVector = tf.Tensor[];

function check(a: ParamVector, b: ParamVector, where: string): void {
  if (a.length !== b.length) throw new LandscapeError(`${where}: expected two vectors of the same length; found ${a.length} and ${b.length} tensors`);
  a.forEach((t, i) => {
    if (!tf.util.arraysEqual(t.shape, b[i].shape))
      throw new LandscapeError(`${where}: tensor ${i} expected shape [${t.shape.join(',')}]; found [${b[i].shape.join(',')}]`);
  });
}

/** Sum over all tensors of the elementwise product, as a scalar tensor. */
export function vdot(a: ParamVector, b: ParamVector): tf.Scalar {
  check(a, b, 'vdot');
  return tf.tidy(() => tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i])))) as tf.Scalar);
}

export function vnorm(a: ParamVector): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(a.map((t) => tf.sum(tf.square(t))))) as tf.Scalar);
}

/** `x * a + y * b`, elementwise per tensor (new tensors). */
export function vcombine(x: number | tf.Scalar, a: ParamVector, y: number | tf.Scalar, b: ParamVector): ParamVector {
  check(a, b, 'vcombine');
  return tf.tidy(() => a.map((t, i) => tf.add(tf.mul(t, x), tf.mul(b[i], y))));
}

export function vscale(a: ParamVector, s: number | tf.Scalar): ParamVector {
  return tf.tidy(() => a.map((t) => tf.mul(t, s)));
}

/** The total number of entries. */
export function vsize(a: ParamVector): number {
  return a.reduce((n, t) => n + t.size, 0);
}

/** For each position, whether any of the vectors has a non-zero entry there (one read for all). */
export function nonZeroMask(vectors: ParamVector[]): boolean[] {
  if (vectors.length === 0) return [];
  const n = vectors[0].length;
  const t = tf.tidy(() => tf.stack(Array.from({ length: n }, (_, i) => tf.addN(vectors.map((v) => tf.max(tf.abs(v[i])))))));
  const v = t.dataSync();
  t.dispose();
  return Array.from(v, (x) => x !== 0);
}

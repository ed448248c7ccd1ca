import { tf } from '@sugar-lab/core';
import { filterNormalizedDirection, type DirectionOptions } from './directions';
import { LandscapeError } from './errors';
import { LandscapeEvaluator } from './evaluator';
import { nonZeroMask } from './param-vector';
import { assignVariables, snapshotVariables } from './weights';

export interface SharpnessOptions extends DirectionOptions {
  /** Random filter-normalized directions sampled (default 8). */
  directions?: number;
  /** Largest step along a direction, in units of the filter-normalized direction (default 0.5). */
  radius?: number;
  /** Points per side: steps ±radius * k / points for k = 1..points (default 4). */
  points?: number;
  /** Seeds the directions (default 0); a stream apart from lossSurface's two. */
  seed?: number;
}

export interface SharpnessResult {
  /** The largest loss rise over the base loss, over every direction and step. */
  sharpness: number;
  /** The largest rise along each direction (negative when every sampled step lowers the loss). */
  perDirection: number[];
  /** Loss at the model's weights. */
  baseLoss: number;
  radius: number;
}

const SHARPNESS_STREAM = 1000;

/**
 * Sharpness as the worst loss rise within a radius: max over sampled filter-normalized directions d and
 * steps t in [-radius, radius] of L(w + t d) - L(w). Filter normalization makes the radius a fraction
 * of each filter's own norm, so models whose weights differ in scale compare. Restores the weights.
 *
 * @param evaluator the model, its data and loss
 * @param opts radius, number of directions and of points along each, seed, and how directions are normalized
 */
export function sharpness(evaluator: LandscapeEvaluator, opts: SharpnessOptions = {}): SharpnessResult {
  const count = opts.directions ?? 8;
  const radius = opts.radius ?? 0.5;
  const points = opts.points ?? 4;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(count) || count < 1) throw new LandscapeError(`sharpness: directions expected an integer >= 1; found ${count}`);
  if (!(radius > 0) || !Number.isFinite(radius)) throw new LandscapeError(`sharpness: radius expected a finite number > 0; found ${radius}`);
  if (!Number.isInteger(points) || points < 1) throw new LandscapeError(`sharpness: points expected an integer >= 1; found ${points}`);
  const steps: number[] = [];
  for (let k = 1; k <= points; k++) steps.push((radius * k) / points, (-radius * k) / points);
  const vars = evaluator.variables;
  const center = snapshotVariables(vars);
  try {
    const baseLoss = evaluator.measure().loss;
    const perDirection: number[] = [];
    for (let k = 0; k < count; k++) {
      const d = filterNormalizedDirection(center, seed, SHARPNESS_STREAM + k, opts);
      const measured: tf.Tensor1D[] = [];
      try {
        const moving = nonZeroMask([d]);
        for (const t of steps) {
          tf.tidy(() => vars.forEach((v, i) => moving[i] && v.assign(tf.add(center[i], tf.mul(d[i], t)))));
          measured.push(evaluator.measureTensor());
        }
      } catch (err) {
        tf.dispose(measured);
        throw err;
      } finally {
        tf.dispose(d);
      }
      // A non-finite loss at a step counts as an infinite rise.
      const rises = LandscapeEvaluator.read(measured).map((m) => (Number.isFinite(m.loss) ? m.loss - baseLoss : Infinity));
      perDirection.push(Math.max(...rises));
    }
    return { sharpness: Math.max(...perDirection), perDirection, baseLoss, radius };
  } finally {
    assignVariables(vars, center, 'sharpness');
    tf.dispose(center);
  }
}

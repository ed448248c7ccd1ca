import { tf } from '@sugar-lab/core';
import { filterNormalizedDirection, type DirectionOptions } from './directions';
import { LandscapeError } from './errors';
import { LandscapeEvaluator } from './evaluator';
import { axisValues } from './grid';
import { nonZeroMask, type ParamVector } from './param-vector';
import { assignVariables, snapshotVariables } from './weights';

export interface SurfaceOptions extends DirectionOptions {
  /** The grid spans [-range, range] (or [range[0], range[1]]) on both axes (default 1). */
  range?: number | [number, number];
  /** Points per axis (default 21). */
  steps?: number;
  /** Explicit coordinates instead of range/steps. */
  alphas?: number[];
  betas?: number[];
  /** Seeds the two random directions (default 0). */
  seed?: number;
  /** Your own two directions (one tensor per trainable variable) instead of seeded filter-normalized ones. */
  directions?: [ParamVector, ParamVector];
}

/** `loss[i][j]` (and `accuracy[i][j]`) at `theta + alphas[i] * d1 + betas[j] * d2`: the layout @sugar-lab/plots draws. */
export interface LandscapeSurface {
  alphas: number[];
  betas: number[];
  loss: number[][];
  accuracy?: number[][];
}

/**
 * A 2-D slice of the loss around the model's current (trained) weights along two seeded,
 * filter-normalized random directions (Li et al., 2018). Moves the model's own trainable variables
 * for each grid point and restores them exactly at the end. One read per row of the grid.
 *
 * @param evaluator the model, its data and loss
 * @param opts the grid (range and steps, or explicit alphas and betas), seed or the two directions, and their
 *   normalization
 */
export function lossSurface(evaluator: LandscapeEvaluator, opts: SurfaceOptions = {}): LandscapeSurface {
  const alphas = axisValues('lossSurface alphas', opts.alphas, opts.range ?? 1, opts.steps ?? 21);
  const betas = axisValues('lossSurface betas', opts.betas, opts.range ?? 1, opts.steps ?? 21);
  const vars = evaluator.variables;
  const center = snapshotVariables(vars);
  const own = !opts.directions;
  let d1: ParamVector = [];
  let d2: ParamVector = [];
  try {
    if (opts.directions) {
      [d1, d2] = opts.directions;
      for (const d of opts.directions) {
        if (d.length !== vars.length || d.some((t, i) => !tf.util.arraysEqual(t.shape, vars[i].shape))) {
          throw new LandscapeError(`lossSurface: each direction expected ${vars.length} tensors shaped like the trainable variables`);
        }
      }
    } else {
      d1 = filterNormalizedDirection(center, opts.seed ?? 0, 0, opts);
      d2 = filterNormalizedDirection(center, opts.seed ?? 0, 1, opts);
    }
    // Variables both directions leave alone (biases and batch norm under 'biasbn') keep their values.
    const moving = nonZeroMask([d1, d2]);
    const loss: number[][] = [];
    const accuracy: number[][] = [];
    for (const a of alphas) {
      const row = tf.tidy(() => center.map((c, i) => (moving[i] ? tf.add(c, tf.mul(d1[i], a)) : c)));
      const measured: tf.Tensor1D[] = [];
      try {
        for (const b of betas) {
          tf.tidy(() => vars.forEach((v, i) => moving[i] && v.assign(tf.add(row[i], tf.mul(d2[i], b)))));
          measured.push(evaluator.measureTensor());
        }
      } catch (err) {
        tf.dispose(measured);
        throw err;
      } finally {
        tf.dispose(row.filter((_, i) => moving[i]));
      }
      const r = LandscapeEvaluator.read(measured);
      loss.push(r.map((m) => m.loss));
      accuracy.push(r.map((m) => m.accuracy));
    }
    return evaluator.measuresAccuracy ? { alphas, betas, loss, accuracy } : { alphas, betas, loss };
  } finally {
    assignVariables(vars, center, 'lossSurface');
    tf.dispose(center);
    if (own) tf.dispose([...d1, ...d2]);
  }
}

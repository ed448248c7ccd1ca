import { tf } from '@sugar-lab/core';
import { LandscapeError } from './errors';
import { LandscapeEvaluator } from './evaluator';
import { axisValues } from './grid';
import type { ParamVector } from './param-vector';
import { assignVariables, snapshotVariables } from './weights';

export interface InterpolationOptions {
  /** Alphas span [range[0], range[1]] (default [-0.5, 1.5]: both ends and half the distance beyond each). */
  range?: [number, number];
  /** Number of alphas (default 41). */
  steps?: number;
  /** Explicit alphas instead of range/steps. */
  alphas?: number[];
}

/** Loss (and accuracy) at `(1 - alphas[i]) * from + alphas[i] * to`. */
export interface InterpolationResult {
  alphas: number[];
  loss: number[];
  accuracy?: number[];
}

/**
 * The loss along the straight line between two weight sets (Goodfellow et al., 2015): initialization
 * to trained weights, or run A to run B of one architecture. `from` and `to` list either every weight
 * (`model.weights` order, as `snapshotWeights(model)` returns; batch-norm statistics are interpolated
 * too, moving variances clamped at 0 beyond the ends) or only the trainable ones (the rest stay as they
 * are). The model's weights are restored at the end.
 *
 * @param evaluator the model, its data and loss
 * @param from the weights at alpha = 0
 * @param to the weights at alpha = 1
 * @param opts the alphas: a range and a count, or explicit values (default 41 in [-0.5, 1.5])
 */
export function interpolateLoss(evaluator: LandscapeEvaluator, from: ParamVector, to: ParamVector, opts: InterpolationOptions = {}): InterpolationResult {
  const alphas = axisValues('interpolateLoss alphas', opts.alphas, opts.range ?? [-0.5, 1.5], opts.steps ?? 41);
  const { allVariables, variables } = evaluator;
  const vars = from?.length === allVariables.length ? allVariables : from?.length === variables.length ? variables : undefined;
  if (!vars) {
    throw new LandscapeError(
      `interpolateLoss: expected ${allVariables.length} weights (all, model.weights order) or ${variables.length} (trainable); found ${from?.length}`,
    );
  }
  if (to?.length !== vars.length) throw new LandscapeError(`interpolateLoss: expected 'to' with ${vars.length} weights like 'from'; found ${to?.length}`);
  vars.forEach((v, i) => {
    for (const [name, set] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!tf.util.arraysEqual(set[i].shape, v.shape)) {
        throw new LandscapeError(`interpolateLoss: ${name}[${i}] expected shape [${v.shape.join(',')}] of '${v.name}'; found [${set[i].shape.join(',')}]`);
      }
    }
  });
  const variance = vars.map((v) => /moving_variance/.test(v.name));
  const saved = snapshotVariables(vars);
  const delta = tf.tidy(() => vars.map((_, i) => tf.sub(to[i], from[i])));
  const measured: tf.Tensor1D[] = [];
  try {
    for (const a of alphas) {
      tf.tidy(() =>
        vars.forEach((v, i) => {
          const w = tf.add(from[i], tf.mul(delta[i], a));
          v.assign(variance[i] ? tf.relu(w) : w);
        }),
      );
      measured.push(evaluator.measureTensor());
    }
    const r = LandscapeEvaluator.read(measured.splice(0));
    const loss = r.map((m) => m.loss);
    return evaluator.measuresAccuracy ? { alphas, loss, accuracy: r.map((m) => m.accuracy) } : { alphas, loss };
  } finally {
    tf.dispose(measured);
    assignVariables(vars, saved, 'interpolateLoss');
    tf.dispose([...saved, ...delta]);
  }
}

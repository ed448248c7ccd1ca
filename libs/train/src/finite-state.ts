import { tf } from '@sugar-lab/core';
import type { FitRun } from './fit-run';

/**
 * The first of a run's weights or optimizer slots holding a NaN or an infinity, with the count, or undefined when
 * all are finite. A loss can come back finite from non-finite weights (an infinite unit that ReLU zeroes, an
 * overflowed Adam moment), so divergence is judged on the state too: each step's finiteSums screens it at every
 * epoch's end, and this exact check runs only where the screen fails.
 */
export function nonFiniteState(run: FitRun): string | undefined {
  const named: { name: string; tensor: tf.Tensor }[] = [
    ...run.model.weights.map((w) => ({ name: `weight '${w.originalName}'`, tensor: w.read() })),
    ...run.optimizer.getSlots().map((s) => ({ name: `optimizer slot '${s.name}'`, tensor: s.tensor })),
  ];
  const counts = tf.tidy(() => tf.stack(named.map(({ tensor }) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(tensor)), 'float32'))))).dataSync();
  const i = counts.findIndex((c) => c > 0);
  return i < 0 ? undefined : `${named[i].name} holds ${counts[i]} non-finite value${counts[i] > 1 ? 's' : ''}`;
}

import { tf } from '@sugar-lab/core';
import type { FitRun } from './fit-run';

/** A run's state as training changes it: the model's weights and the optimizer's slots, each named. */
export function stateTensors(run: Pick<FitRun, 'model' | 'optimizer'>): { name: string; tensor: tf.Tensor }[] {
  return [
    ...run.model.weights.map((w) => ({ name: `weight '${w.originalName}'`, tensor: w.read() })),
    ...run.optimizer.getSlots().map((s) => ({ name: `optimizer slot '${s.name}'`, tensor: s.tensor })),
  ];
}

/**
 * The first of a run's weights or optimizer slots holding a NaN or an infinity, with the count, or undefined when
 * all are finite. A loss can come back finite from non-finite weights (an infinite unit that ReLU zeroes, an
 * overflowed Adam moment), so divergence is judged on the state too: each step's finiteSums screens it at every
 * epoch's end, and this exact check runs only where the screen fails.
 */
export function nonFiniteState(run: FitRun): string | undefined {
  const named = stateTensors(run);
  const counts = tf.tidy(() => tf.stack(named.map(({ tensor }) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(tensor)), 'float32'))))).dataSync();
  const i = counts.findIndex((c) => c > 0);
  return i < 0 ? undefined : `${named[i].name} holds ${counts[i]} non-finite value${counts[i] > 1 ? 's' : ''}`;
}

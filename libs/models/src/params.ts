import type { tf } from '@sugar-lab/core';

export interface ParamCount {
  trainable: number;
  /** Batch-norm moving mean/variance and frozen weights. */
  nonTrainable: number;
  total: number;
}

type Weight = { id: number; shape: (number | null)[] };

function sum(weights: Weight[]): number {
  const seen = new Set<number>();
  let n = 0;
  for (const w of weights) {
    if (seen.has(w.id)) continue; // a weight shared by two layers counts once
    seen.add(w.id);
    n += w.shape.reduce<number>((a, d) => a * (d ?? 1), 1);
  }
  return n;
}

/**
 * Scalar parameter counts of a model or layer; trainable matches PyTorch's `parameters()`.
 *
 * @param model a model or a single layer
 */
export function countParams(model: tf.LayersModel | tf.layers.Layer): ParamCount {
  const trainable = sum(model.trainableWeights);
  const nonTrainable = sum(model.nonTrainableWeights);
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}

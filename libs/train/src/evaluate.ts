import { tf } from '@sugar-lab/core';
import type { DataSource, SplitKey } from './data';
import { correctCount, softmaxCrossEntropy } from './loss';

export interface EvalResult {
  loss: number;
  accuracy: number;
  n: number;
}

/**
 * Mean cross-entropy and accuracy over a split, in batches, inference mode; one read at the end.
 *
 * @param model the model to evaluate
 * @param source the run's data
 * @param split which split to evaluate
 * @param batchSize samples per forward pass (default 1024)
 */
export function evaluate(model: tf.LayersModel, source: DataSource, split: SplitKey, batchSize = 1024): EvalResult {
  const n = source.size(split) ?? 0;
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      const { x, y } = source.range(split, start, b);
      parts.push(
        tf.tidy(() => {
          const logits = model.apply(x, { training: false }) as tf.Tensor;
          return tf.stack([tf.mul(softmaxCrossEntropy(logits, y), b), correctCount(logits, y)]);
        }),
      );
      tf.dispose([x, y]);
    }
    const stacked = tf.stack(parts);
    const v = stacked.dataSync();
    stacked.dispose();
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < parts.length; i++) {
      loss += v[2 * i];
      correct += v[2 * i + 1];
    }
    return { loss: loss / n, accuracy: correct / n, n };
  } finally {
    tf.dispose(parts);
  }
}

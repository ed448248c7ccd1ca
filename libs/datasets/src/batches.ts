import { tf } from '@sugar-lab/core';
import { assemble, type AssembleOptions } from './assemble';
import { DatasetOptionError } from './errors';
import { Rng } from './rng';
import type { Split } from './types';

export interface BatchOptions extends AssembleOptions {
  batchSize: number;
  /** Seed of the shuffle (and of augmentation); default 0. */
  seed?: number;
  /** Which epoch's order to produce; every epoch has its own permutation (default 0). */
  epoch?: number;
  /** Default true; false keeps file order. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false: keep it). */
  dropLast?: boolean;
  /** Skip the first batches of the epoch (to resume a run exactly where it stopped). */
  startBatch?: number;
  /** Labels as one-hot float32 [n, numClasses] (default) or int32 class ids [n]. */
  oneHot?: boolean;
}

export interface Batch {
  /** float32 [n, ...shape]; the caller disposes it. */
  xs: tf.Tensor;
  /** float32 one-hot [n, numClasses] (or int32 [n] with oneHot: false); the caller disposes it. */
  ys: tf.Tensor;
  labels: Int32Array;
  /** Sample indices into the split. */
  indices: Int32Array;
  epoch: number;
  batch: number;
}

/**
 * The order in which an epoch visits the samples: a seeded permutation per (seed, epoch), or 0..n-1.
 *
 * @param n the number of samples
 * @param opts seed and epoch of the permutation; `shuffle: false` gives 0..n-1
 */
export function epochOrder(n: number, opts: { seed?: number; epoch?: number; shuffle?: boolean } = {}): Int32Array {
  if (opts.shuffle === false) return Int32Array.from({ length: n }, (_, i) => i);
  return new Rng(opts.seed ?? 0, 'shuffle', opts.epoch ?? 0).permutation(n);
}

export function numBatches(n: number | Split, batchSize: number, dropLast = false): number {
  const len = typeof n === 'number' ? n : n.length;
  return dropLast ? Math.floor(len / batchSize) : Math.ceil(len / batchSize);
}

function labelTensor(split: Split, labels: Int32Array, oneHot: boolean): tf.Tensor {
  if (!oneHot) return tf.tensor1d(labels, 'int32');
  const k = split.numClasses;
  const y = new Float32Array(labels.length * k);
  labels.forEach((l, i) => (y[i * k + l] = 1));
  return tf.tensor2d(y, [labels.length, k]);
}

/**
 * Tensors for the given sample indices (an evaluation or probe batch).
 *
 * @param split the split the samples come from
 * @param indices the samples, in the batch's order
 * @param opts normalization, augmentation (with its seed and epoch), one-hot labels (default true), and the batch number
 *   the result records
 */
export function makeBatch(split: Split, indices: Int32Array, opts: AssembleOptions & { oneHot?: boolean; batch?: number } = {}): Batch {
  const labels = Int32Array.from(indices, (i) => split.y[i]);
  const xs = tf.tensor(assemble(split, indices, opts), [indices.length, ...split.shape], 'float32');
  return { xs, ys: labelTensor(split, labels, opts.oneHot ?? true), labels, indices, epoch: opts.epoch ?? 0, batch: opts.batch ?? 0 };
}

/**
 * Batches of one epoch: every sample exactly once (the last partial batch kept unless dropLast), in the
 * order `epochOrder(seed, epoch)`. Starting at (epoch, startBatch) yields exactly the batches an
 * uninterrupted run would have seen from there on. Uint8 images become float32 only here, per batch.
 *
 * @param split the split to go through
 * @param opts batch size, seed and epoch (the order), shuffling, dropping the last partial batch, the batch to start at,
 *   normalization and augmentation
 */
export function* batches(split: Split, opts: BatchOptions): Generator<Batch> {
  const { batchSize, epoch = 0, startBatch = 0 } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DatasetOptionError('batchSize', 'an integer >= 1', String(batchSize));
  if (!Number.isInteger(epoch) || epoch < 0) throw new DatasetOptionError('epoch', 'an integer >= 0', String(epoch));
  const total = numBatches(split, batchSize, opts.dropLast);
  if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > total)
    throw new DatasetOptionError('startBatch', `an integer in 0..${total} (${total} batches per epoch)`, String(startBatch));
  const order = epochOrder(split.length, opts);
  for (let b = startBatch; b < total; b++) {
    const indices = order.slice(b * batchSize, Math.min(split.length, (b + 1) * batchSize));
    yield makeBatch(split, indices, { ...opts, epoch, batch: b });
  }
}

/**
 * The whole split as two tensors (for small sets: synthetic data, probe sets). The caller disposes them.
 *
 * @param split the split to convert
 * @param opts normalization and one-hot labels
 */
export function toTensors(split: Split, opts: Omit<AssembleOptions, 'augment' | 'epoch'> & { oneHot?: boolean } = {}): { xs: tf.Tensor; ys: tf.Tensor } {
  const { xs, ys } = makeBatch(
    split,
    Int32Array.from({ length: split.length }, (_, i) => i),
    opts,
  );
  return { xs, ys };
}

import { tf } from '@sugar-lab/core';
import { epochOrder, makeBatch, type Dataset, type Split } from '@sugar-lab/datasets';
import type { DataConfig } from './config';
import { TrainDataError } from './errors';
import { oneHotLabels } from './loss';

/** One split as tensors: `x` [n, ...sample shape] float32, `y` int32 class indices [n] or one-hot [n, classes]. */
export interface TensorSplit {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** In-memory tensors to train on. The tensors stay the caller's (fit neither copies nor disposes them). */
export interface TensorData {
  train: TensorSplit;
  val?: TensorSplit;
  test?: TensorSplit;
  /** Needed when labels are class indices and the model's output width is not the class count. */
  numClasses?: number;
}

/** What `fit` trains on: tensors, or a dataset from @sugar-lab/datasets (batches assembled per step, uint8 images stay uint8). */
export type TrainData = TensorData | Dataset;

export type SplitKey = 'train' | 'val' | 'test';

/** A batch of float32 inputs and one-hot float32 labels; the caller disposes both. */
export interface LabeledBatch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** The uniform view fit, evaluate and the probes take of either kind of data. */
export interface DataSource {
  numClasses: number;
  /**
   * How many samples a split holds; undefined when the data has no such split.
   *
   * @param split `'train'`, `'val'` or `'test'`
   */
  size(split: SplitKey): number | undefined;
  /**
   * Samples `indices` of a split; `epoch` keys augmentation (train only).
   *
   * @param split the split to read: `'train'`, `'val'` or `'test'`
   * @param indices sample indices within the split, in batch order
   * @param epoch the epoch (from 0) whose augmentation draws apply; omitted, no augmentation
   */
  batch(split: SplitKey, indices: Int32Array, epoch?: number): LabeledBatch;
  /**
   * Consecutive samples [start, start + count) of a split, never augmented.
   *
   * @param split the split to read: `'train'`, `'val'` or `'test'`
   * @param start the first sample's index within the split
   * @param count how many samples, at most the split's size minus `start`
   */
  range(split: SplitKey, start: number, count: number): LabeledBatch;
}

/** Sample order of an epoch: the permutation @sugar-lab/datasets' `batches()` uses for (seed, epoch). */
export function trainOrder(n: number, seed: number, epoch: number): Int32Array {
  return epochOrder(n, { seed, epoch });
}

export function batchesPerEpoch(n: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** Consecutive rows [start, start + count). */
export function sliceRows(t: tf.Tensor, start: number, count: number): tf.Tensor {
  if (start === 0 && count === t.shape[0]) return t.clone();
  return tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1).map(() => -1)]);
}

function isDataset(d: TrainData): d is Dataset {
  const split = (d as Dataset).train as Split | TensorSplit | undefined;
  return !!split && ArrayBuffer.isView((split as Split).x) && typeof (d as Dataset).numClasses === 'number';
}

function checkTensorSplit(split: TensorSplit | undefined, name: string): void {
  if (!split) return;
  const { x, y } = split;
  if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
    throw new TrainDataError(`data.${name}: expected { x, y } tensors; found { ${Object.keys(split).join(', ')} }`);
  }
  if (x.shape[0] !== y.shape[0])
    throw new TrainDataError(`data.${name}: expected as many labels as samples; found x [${x.shape.join(',')}] and y [${y.shape.join(',')}]`);
  if (x.shape[0] === 0) throw new TrainDataError(`data.${name}: expected samples; found an empty split`);
  if (y.rank !== 1 && y.rank !== 2)
    throw new TrainDataError(`data.${name}.y: expected class indices [n] or one-hot [n, classes]; found shape [${y.shape.join(',')}]`);
}

class TensorSource implements DataSource {
  constructor(
    private readonly data: TensorData,
    readonly numClasses: number,
  ) {
    checkTensorSplit(data.train, 'train');
    checkTensorSplit(data.val, 'val');
    checkTensorSplit(data.test, 'test');
  }
  private split(key: SplitKey): TensorSplit {
    const s = this.data[key];
    if (!s) throw new TrainDataError(`data: expected a ${key} split; found none`);
    return s;
  }
  size(key: SplitKey): number | undefined {
    return this.data[key]?.x.shape[0];
  }
  batch(key: SplitKey, indices: Int32Array): LabeledBatch {
    const s = this.split(key);
    return tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      return { x: tf.gather(s.x, idx), y: oneHotLabels(tf.gather(s.y, idx), this.numClasses) };
    });
  }
  range(key: SplitKey, start: number, count: number): LabeledBatch {
    const s = this.split(key);
    return tf.tidy(() => ({ x: sliceRows(s.x, start, count), y: oneHotLabels(sliceRows(s.y, start, count), this.numClasses) }));
  }
}

class DatasetSource implements DataSource {
  readonly numClasses: number;
  constructor(
    private readonly ds: Dataset,
    private readonly cfg: DataConfig,
    private readonly seed: number,
  ) {
    this.numClasses = ds.numClasses;
  }
  private split(key: SplitKey): Split {
    const s = key === 'val' ? this.ds.validation : this.ds[key];
    if (!s) throw new TrainDataError(`dataset '${this.ds.name}': expected a ${key === 'val' ? 'validation' : key} split; found none`);
    return s;
  }
  size(key: SplitKey): number | undefined {
    return (key === 'val' ? this.ds.validation : this.ds[key])?.length;
  }
  batch(key: SplitKey, indices: Int32Array, epoch = 0): LabeledBatch {
    const augment = key === 'train' ? this.cfg.augment : undefined;
    const b = makeBatch(this.split(key), indices, { normalize: this.cfg.normalize, augment, seed: this.seed, epoch, oneHot: true });
    return { x: b.xs, y: b.ys };
  }
  range(key: SplitKey, start: number, count: number): LabeledBatch {
    const b = makeBatch(
      this.split(key),
      Int32Array.from({ length: count }, (_, i) => start + i),
      { normalize: this.cfg.normalize, oneHot: true },
    );
    return { x: b.xs, y: b.ys };
  }
}

/**
 * A DataSource over tensors or a dataset; `outputWidth` is the model's logit count (the default class count).
 *
 * @param data tensors, or a dataset from `loadDataset`
 * @param cfg normalization and augmentation
 * @param seed the run's seed (data order and augmentation)
 * @param outputWidth the model's logit count, or undefined when unknown
 */
export function dataSource(data: TrainData, cfg: DataConfig, seed: number, outputWidth: number | undefined): DataSource {
  if (!data || typeof data !== 'object' || !('train' in data))
    throw new TrainDataError(`fit: expected data with a train split (tensors or a loaded dataset); found ${typeof data}`);
  if (isDataset(data)) {
    if (outputWidth !== undefined && outputWidth !== data.numClasses) {
      throw new TrainDataError(`fit: dataset '${data.name}' has ${data.numClasses} classes; the model outputs ${outputWidth} logits`);
    }
    return new DatasetSource(data, cfg, seed);
  }
  const numClasses = data.numClasses ?? (data.train?.y?.rank === 2 ? data.train.y.shape[1] : outputWidth);
  if (!Number.isInteger(numClasses)) throw new TrainDataError('fit: expected data.numClasses or a model with a fixed output width');
  return new TensorSource(data, numClasses as number);
}

import type { OptionSchema } from '@sugar-lab/core';
import type { DataFile } from './manifest';

export type SplitName = 'train' | 'validation' | 'test';

/** Per-channel (last axis) mean and standard deviation, in the units of `x * scale`. */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/**
 * One split, sample-major: sample `i` is `x[i * sampleSize .. (i + 1) * sampleSize)` laid out in `shape`
 * order (images are height x width x channels, as tf.conv2d expects). Images stay uint8 (`scale` 1/255);
 * synthetic features are float32 (`scale` 1).
 */
export interface Split {
  readonly name: SplitName;
  readonly x: Uint8Array | Float32Array;
  /** Class labels of the dataset's active label set. */
  readonly y: Int32Array;
  /** Per-sample shape, e.g. [32, 32, 3] or [2]. */
  readonly shape: readonly number[];
  readonly length: number;
  readonly numClasses: number;
  /** Multiply `x` by this to get the float value the model sees before normalization. */
  readonly scale: number;
  /** Statistics of the training split (shared by all splits), used by `normalize: true`. */
  readonly stats: ChannelStats;
  /** Every label set the source provides (CIFAR-100: `fine` and `coarse`). */
  readonly labels?: Readonly<Record<string, Int32Array>>;
  /** Index of each sample in the source file's split (train or test), after `limit` and the validation carve. */
  readonly sourceIndices: Int32Array;
}

export interface Dataset {
  readonly name: string;
  readonly kind: 'image' | 'synthetic';
  readonly train: Split;
  readonly test: Split;
  /** Carved from the source train split by `validation` and `seed`; absent when `validation` is 0. */
  readonly validation?: Split;
  readonly shape: readonly number[];
  readonly numClasses: number;
  readonly classNames: readonly string[];
  /** Names for every label set (CIFAR-100: `fine`, `coarse`). */
  readonly labelNames?: Readonly<Record<string, readonly string[]>>;
  readonly stats: ChannelStats;
  /** The options the dataset was built with, defaults filled in (for run configs and logs). */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface DatasetInfo {
  name: string;
  title: string;
  kind: 'image' | 'synthetic';
  description: string;
  /** Per-sample shape with default options. */
  shape: number[];
  numClasses: number;
  classNames: string[];
  trainSize: number;
  testSize: number;
  homepage?: string;
  /** Dataset-specific options and their defaults. */
  defaults: Record<string, number | string | boolean>;
  /** The files it downloads (empty for synthetic sets). */
  files: DataFile[];
  /** Its own options (besides the loader's common ones), with their types, ranges and defaults. */
  options: OptionSchema;
}

/** What a loader hands back before limits, validation carving and statistics are applied. */
export interface RawSplit {
  x: Uint8Array | Float32Array;
  y: Int32Array;
  labels?: Record<string, Int32Array>;
}

export interface RawDataset {
  train: RawSplit;
  test: RawSplit;
  shape: number[];
  numClasses: number;
  classNames: string[];
  labelNames?: Record<string, string[]>;
}

export interface LoadContext {
  /** Verified local path of each file, by manifest name. */
  paths: Record<string, string>;
  /** The manifest entries (with any test override applied). */
  files: DataFile[];
}

export interface DatasetDefinition {
  info: Omit<DatasetInfo, 'files' | 'options'>;
  /**
   * The dataset-specific options, their types, ranges and defaults (which must equal `info.defaults`). Without
   * one, each default's type is required and numbers must be >= 0.
   */
  options?: OptionSchema;
  /**
   * Builds the raw train and test splits; `loadDataset` then applies limits, the validation carve and the label set.
   * Must give the same result for the same options and seed on every machine.
   *
   * @param options the dataset's own options, validated against `options` and with defaults filled in
   * @param seed the integer seed of the load (default 0); synthetic datasets draw from it
   * @param ctx the verified local path of each manifest file, and the manifest entries (empty for synthetic datasets)
   */
  load(options: Record<string, number | string | boolean>, seed: number, ctx: LoadContext): RawDataset | Promise<RawDataset>;
}

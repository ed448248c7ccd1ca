import { DatasetOptionError } from './errors';
import { ensureDatasetFiles } from './dataset-files';
import type { FetchOptions } from './fetch';
import { datasetFiles } from './manifest';
import { resolveDatasetParams } from './options';
import { getDatasetDefinition } from './registry';
import { channelStats } from './stats';
import { carveIndices, gather, resolveCount } from './subset';
import type { ChannelStats, Dataset, RawSplit, Split, SplitName } from './types';

/** Options of `loadDataset`. Dataset-specific options are checked against the dataset's option schema (`datasetOptions`). */
export interface LoadDatasetOptions extends FetchOptions {
  /** Drives the validation carve and every synthetic set (default 0). */
  seed?: number;
  /** Carve a validation split from train: a fraction in (0, 1) or a count (default 0: none). */
  validation?: number;
  /** Keep only the first N samples of the source splits (before the validation carve). */
  limit?: { train?: number; test?: number };
  /** CIFAR-100: which label set is `y` (default 'fine'). */
  labels?: 'fine' | 'coarse';
  /** Synthetic sets: number of train / test samples (default 1000 each). */
  nTrain?: number;
  nTest?: number;
  /** spirals, blobs, teacher: number of classes. */
  classes?: number;
  /** spirals, moons, xor, checkerboard: standard deviation of the Gaussian noise on the features. */
  noise?: number;
  /** spirals: turns of each arm. */
  turns?: number;
  /** blobs, teacher: input dimension. */
  dim?: number;
  /** blobs: cluster standard deviation and half-width of the box the centres are drawn from. */
  std?: number;
  box?: number;
  /** checkerboard: cells per side. */
  cells?: number;
  /** teacher: hidden layers and their width. */
  depth?: number;
  width?: number;
  /** Options of datasets registered elsewhere. */
  params?: Record<string, number | string | boolean>;
}

function firstN(raw: RawSplit, n: number | undefined, sampleSize: number, option: string, dataset: string): { raw: RawSplit; idx: Int32Array } {
  const total = raw.y.length;
  if (n === undefined || n >= total) return { raw, idx: Int32Array.from({ length: total }, (_, i) => i) };
  if (!Number.isInteger(n) || n < 1) throw new DatasetOptionError(option, 'an integer >= 1', String(n), dataset);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  return { raw: gather(raw, idx, sampleSize), idx };
}

function makeSplit(name: SplitName, raw: RawSplit, shape: number[], numClasses: number, stats: ChannelStats, sourceIndices: Int32Array): Split {
  return {
    name,
    x: raw.x,
    y: raw.y,
    shape,
    length: raw.y.length,
    numClasses,
    scale: raw.x instanceof Uint8Array ? 1 / 255 : 1,
    stats,
    labels: raw.labels,
    sourceIndices,
  };
}

/**
 * Loads a dataset by name: files come from the verified cache (downloaded if missing and online), are parsed
 * strictly, and the result is the same for the same options and seed on every machine.
 *
 *   const ds = await loadDataset('cifar10', { validation: 5000, seed: 1 });
 *   const ds = await loadDataset('spirals', { classes: 5, noise: 0.1, seed: 3 });
 *
 * @param name a built-in or registered dataset name
 * @param opts seed, validation carve, limits, label set, the dataset's own options (e.g. `classes`, `noise`), and how
 *   files are fetched
 */
export async function loadDataset(name: string, opts: LoadDatasetOptions = {}): Promise<Dataset> {
  const def = getDatasetDefinition(name);
  const params = resolveDatasetParams(name, opts as Record<string, unknown>);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new DatasetOptionError('seed', 'an integer', String(seed), name);
  const files = datasetFiles(name);
  const paths = files.length ? await ensureDatasetFiles(name, opts) : {};
  const raw = await def.load(params, seed, { paths, files });
  const sampleSize = raw.shape.reduce((a, b) => a * b, 1);

  const train = firstN(raw.train, opts.limit?.train, sampleSize, 'limit.train', name);
  const test = firstN(raw.test, opts.limit?.test, sampleSize, 'limit.test', name);
  const count = opts.validation ? resolveCount(opts.validation, train.raw.y.length, 'validation', name) : 0;
  let trainRaw = train.raw;
  let trainIdx = train.idx;
  let valRaw: RawSplit | undefined;
  let valIdx: Int32Array | undefined;
  if (count > 0) {
    const carve = carveIndices(trainRaw.y.length, count, seed);
    valRaw = gather(trainRaw, carve.validation, sampleSize);
    valIdx = Int32Array.from(carve.validation, (i) => trainIdx[i]);
    trainRaw = gather(trainRaw, carve.train, sampleSize);
    trainIdx = Int32Array.from(carve.train, (i) => train.idx[i]);
  }
  const stats = channelStats(trainRaw.x, raw.shape, trainRaw.x instanceof Uint8Array ? 1 / 255 : 1);
  const split = (n: SplitName, r: RawSplit, idx: Int32Array) => makeSplit(n, r, raw.shape, raw.numClasses, stats, idx);
  return {
    name,
    kind: def.info.kind,
    train: split('train', trainRaw, trainIdx),
    test: split('test', test.raw, test.idx),
    validation: valRaw && split('validation', valRaw, valIdx!),
    shape: raw.shape,
    numClasses: raw.numClasses,
    classNames: raw.classNames,
    labelNames: raw.labelNames,
    stats,
    options: { seed, validation: opts.validation ?? 0, limit: opts.limit, ...params },
  };
}

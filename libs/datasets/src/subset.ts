import { DatasetOptionError } from './errors';
import { Rng } from './rng';
import type { RawSplit } from './types';

/** The samples at `indices`, copied into new arrays. */
export function gather(raw: RawSplit, indices: Int32Array, sampleSize: number): RawSplit {
  const x = raw.x instanceof Uint8Array ? new Uint8Array(indices.length * sampleSize) : new Float32Array(indices.length * sampleSize);
  const pick = (l: Int32Array) => Int32Array.from(indices, (i) => l[i]);
  indices.forEach((i, k) => x.set(raw.x.subarray(i * sampleSize, (i + 1) * sampleSize), k * sampleSize));
  const labels = raw.labels ? Object.fromEntries(Object.entries(raw.labels).map(([k, l]) => [k, pick(l)])) : undefined;
  // Keep y the same object as its label set so that split.labels[active] === split.y.
  const active = raw.labels && Object.keys(raw.labels).find((k) => raw.labels![k] === raw.y);
  return { x, y: active ? labels![active] : pick(raw.y), labels };
}

/** A fraction in (0, 1) of `n`, or an absolute count; validated against `n`. */
export function resolveCount(value: number, n: number, option: string, dataset: string): number {
  const count = value > 0 && value < 1 ? Math.round(value * n) : value;
  if (!Number.isInteger(count) || count < 0 || count >= n)
    throw new DatasetOptionError(option, `a fraction in (0, 1) or a count in 0..${n - 1} (the source train split has ${n} samples)`, String(value), dataset);
  return count;
}

/**
 * Splits `n` samples into validation and train indices by a seeded permutation; both lists are sorted so
 * that the samples keep their file order.
 */
export function carveIndices(n: number, count: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const perm = new Rng(seed, 'validation').permutation(n);
  return { validation: perm.slice(0, count).sort(), train: perm.slice(count).sort() };
}

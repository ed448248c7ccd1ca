import { PlotInputError } from './errors';

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** An array of numbers (NaN allowed: a diverged run is data), optionally of a given length. */
export function numbers(v: unknown, path: string, length?: number, what = 'numbers'): number[] {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new PlotInputError(path, `an array of ${what}`, describe(v));
  const a = Array.from(v as ArrayLike<unknown>);
  const bad = a.findIndex((x) => typeof x !== 'number');
  if (bad >= 0) throw new PlotInputError(`${path}[${bad}]`, 'a number', describe(a[bad]));
  if (length !== undefined && a.length !== length) {
    throw new PlotInputError(path, `${length} ${what}`, `${a.length}`);
  }
  return a as number[];
}

// Array.isArray narrows to any[]; this keeps the element type.
const isArray = (v: unknown): v is readonly unknown[] => Array.isArray(v);

export function nonEmpty<T>(v: readonly T[] | undefined, path: string, what: string): readonly T[] {
  if (!isArray(v)) throw new PlotInputError(path, `an array of ${what}`, describe(v));
  if (v.length === 0) throw new PlotInputError(path, `at least one ${what}`, 'an empty array');
  return v;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new PlotInputError(path, 'a non-empty string', describe(v));
  return v;
}

/** Values in first-seen order, so the caller's ordering (e.g. of layers) is kept. */
export function uniqueInOrder<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

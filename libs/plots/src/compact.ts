/**
 * A figure's numbers at display precision: every non-integer rounded to `digits` significant digits (default 6,
 * finer than any axis or hover label shows), integers and everything else as they are. A float64 written in full
 * takes up to 24 characters in JSON; a notebook stores each figure's data twice (its HTML and its plotly JSON),
 * so curves of a few thousand points or an image as a heatmap would otherwise dominate the notebook's size.
 */
export function compactNumbers<T>(value: T, digits = 6): T {
  return walk(value, digits) as T;
}

function walk(v: unknown, digits: number): unknown {
  if (typeof v === 'number') return Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(digits)) : v;
  if (Array.isArray(v)) return v.map((x) => walk(x, digits));
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => walk(x, digits));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, digits)]));
  return v;
}

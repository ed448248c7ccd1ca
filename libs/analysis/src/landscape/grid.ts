import { LandscapeError } from './errors';

/** `steps` evenly spaced values from `from` to `to`, both included. */
export function linspace(from: number, to: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new LandscapeError(`linspace: steps expected an integer >= 1; found ${steps}`);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new LandscapeError(`linspace: expected finite ends; found ${from} and ${to}`);
  if (steps === 1) return [from];
  return Array.from({ length: steps }, (_, i) => (i === steps - 1 ? to : from + ((to - from) * i) / (steps - 1)));
}

/** Explicit coordinates, or `steps` values over [-range, range] or [range[0], range[1]]. */
export function axisValues(where: string, explicit: number[] | undefined, range: number | [number, number], steps: number): number[] {
  if (explicit) {
    if (!Array.isArray(explicit) || explicit.length === 0 || !explicit.every(Number.isFinite)) {
      throw new LandscapeError(`${where}: expected a non-empty array of finite numbers; found ${JSON.stringify(explicit)}`);
    }
    return [...explicit];
  }
  const [lo, hi] = typeof range === 'number' ? [-range, range] : range;
  return linspace(lo, hi, steps);
}

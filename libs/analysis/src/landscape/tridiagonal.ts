import { LandscapeError } from './errors';

// Sturm count: how many eigenvalues of the symmetric tridiagonal matrix (diag a, off-diagonal b) are < x.
function countBelow(a: number[], b: number[], x: number): number {
  let count = 0;
  let q = 1;
  for (let i = 0; i < a.length; i++) {
    const off = i > 0 ? b[i - 1] * b[i - 1] : 0;
    q = a[i] - x - (i > 0 ? off / q : 0);
    if (q === 0) q = -Number.EPSILON * (Math.abs(a[i]) + Math.abs(x) + 1);
    if (q < 0) count++;
  }
  return count;
}

/**
 * Eigenvalues, ascending, of the symmetric tridiagonal matrix with diagonal `a` and off-diagonal `b`
 * (length a.length - 1), by Sturm-sequence bisection: exact to rounding, and small enough to run on
 * every Lanczos step.
 */
export function tridiagonalEigenvalues(a: number[], b: number[]): number[] {
  const n = a.length;
  if (n === 0) return [];
  if (b.length !== n - 1) throw new LandscapeError(`tridiagonalEigenvalues: expected ${n - 1} off-diagonal values for ${n} diagonal ones; found ${b.length}`);
  if (![...a, ...b].every(Number.isFinite)) throw new LandscapeError('tridiagonalEigenvalues: expected finite entries');
  // Gershgorin bounds hold every eigenvalue.
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(b[i - 1]) : 0) + (i < n - 1 ? Math.abs(b[i]) : 0);
    lo = Math.min(lo, a[i] - r);
    hi = Math.max(hi, a[i] + r);
  }
  const span = Math.max(hi - lo, Math.abs(hi), Math.abs(lo), 1e-300);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    // The k-th smallest: the least x with more than k eigenvalues below it.
    let l = lo - 1e-12 * span;
    let h = hi + 1e-12 * span;
    for (let it = 0; it < 200 && h - l > 1e-15 * span; it++) {
      const m = 0.5 * (l + h);
      if (countBelow(a, b, m) > k) h = m;
      else l = m;
    }
    out.push(0.5 * (l + h));
  }
  return out;
}

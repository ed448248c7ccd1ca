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

function checkTridiagonal(a: number[], b: number[], where: string): void {
  if (b.length !== a.length - 1)
    throw new LandscapeError(`${where}: expected ${a.length - 1} off-diagonal values for ${a.length} diagonal ones; found ${b.length}`);
  if (![...a, ...b].every(Number.isFinite)) throw new LandscapeError(`${where}: expected finite entries`);
}

// Gershgorin bounds hold every eigenvalue; `span` sets the bisection's resolution.
function gershgorin(a: number[], b: number[]): { lo: number; hi: number; span: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const r = (i > 0 ? Math.abs(b[i - 1]) : 0) + (i < a.length - 1 ? Math.abs(b[i]) : 0);
    lo = Math.min(lo, a[i] - r);
    hi = Math.max(hi, a[i] + r);
  }
  return { lo, hi, span: Math.max(hi - lo, Math.abs(hi), Math.abs(lo), 1e-300) };
}

// The k-th smallest eigenvalue: the least x with more than k eigenvalues below it.
function kthEigenvalue(a: number[], b: number[], k: number, g: { lo: number; hi: number; span: number }): number {
  if (g.lo === g.hi) return g.lo; // a multiple of the identity (the zero matrix included): exact
  let l = g.lo - 1e-12 * g.span;
  let h = g.hi + 1e-12 * g.span;
  for (let it = 0; it < 200 && h - l > 1e-15 * g.span; it++) {
    const m = 0.5 * (l + h);
    if (countBelow(a, b, m) > k) h = m;
    else l = m;
  }
  return 0.5 * (l + h);
}

/**
 * Eigenvalues, ascending, of the symmetric tridiagonal matrix with diagonal `a` and off-diagonal `b`
 * (length a.length - 1), by Sturm-sequence bisection: exact to rounding.
 */
export function tridiagonalEigenvalues(a: number[], b: number[]): number[] {
  if (a.length === 0) return [];
  checkTridiagonal(a, b, 'tridiagonalEigenvalues');
  const g = gershgorin(a, b);
  return a.map((_, k) => kthEigenvalue(a, b, k, g));
}

/** The smallest and largest eigenvalues only: what a Lanczos step needs, in O(n) per bisection step. */
export function tridiagonalExtremes(a: number[], b: number[]): { min: number; max: number } {
  if (a.length === 0) throw new LandscapeError('tridiagonalExtremes: expected at least one diagonal value');
  checkTridiagonal(a, b, 'tridiagonalExtremes');
  const g = gershgorin(a, b);
  return { min: kthEigenvalue(a, b, 0, g), max: kthEigenvalue(a, b, a.length - 1, g) };
}

// Solves (T - shift I) x = rhs in place by Gaussian elimination with partial pivoting (LAPACK dgtsv); a
// zero pivot (shift exactly an eigenvalue) becomes a tiny one, which is what inverse iteration wants.
function shiftedSolve(a: number[], b: number[], shift: number, rhs: number[], tiny: number): void {
  const n = a.length;
  const d = a.map((x) => x - shift);
  const du = b.slice();
  const dl = b.slice(); // after elimination: the second superdiagonal
  const nz = (x: number) => (x === 0 ? tiny : x);
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(d[i]) >= Math.abs(dl[i])) {
      const fact = dl[i] / nz(d[i]);
      d[i + 1] -= fact * du[i];
      rhs[i + 1] -= fact * rhs[i];
      dl[i] = 0;
    } else {
      const fact = d[i] / dl[i];
      d[i] = dl[i];
      const temp = d[i + 1];
      d[i + 1] = du[i] - fact * temp;
      if (i < n - 2) {
        dl[i] = du[i + 1];
        du[i + 1] = -fact * dl[i];
      } else dl[i] = 0;
      du[i] = temp;
      const r = rhs[i];
      rhs[i] = rhs[i + 1];
      rhs[i + 1] = r - fact * rhs[i + 1];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const s = rhs[i] - (i < n - 1 ? du[i] * rhs[i + 1] : 0) - (i < n - 2 ? dl[i] * rhs[i + 2] : 0);
    rhs[i] = s / nz(d[i]);
  }
}

/**
 * The unit eigenvector of the tridiagonal matrix for its eigenvalue `theta` (from the functions above), by
 * inverse iteration. Its last entry times Lanczos's next beta is the residual |H y - theta y| of the Ritz
 * vector y, without forming y.
 */
export function tridiagonalEigenvector(a: number[], b: number[], theta: number): number[] {
  const n = a.length;
  if (n === 0) throw new LandscapeError('tridiagonalEigenvector: expected at least one diagonal value');
  checkTridiagonal(a, b, 'tridiagonalEigenvector');
  // Scaled to entries of at most 1 (same eigenvectors), so tiny or subnormal matrices do not overflow the solve.
  const scale = Math.max(...a.map(Math.abs), ...b.map(Math.abs));
  if (scale === 0) return a.map((_, i) => (i === 0 ? 1 : 0)); // the zero matrix: every vector is one
  const [as, bs] = [a.map((x) => x / scale), b.map((x) => x / scale)];
  const { span } = gershgorin(as, bs);
  // A start vector with no special structure, so it is not orthogonal to the wanted eigenvector.
  let x = a.map((_, i) => 1 + 0.1 * Math.sin(i + 1));
  for (let it = 0; it < 3; it++) {
    shiftedSolve(as, bs, theta / scale, x, Number.EPSILON * span);
    const norm = Math.hypot(...x);
    if (!Number.isFinite(norm) || norm === 0) throw new LandscapeError(`tridiagonalEigenvector: inverse iteration at ${theta} broke down`);
    x = x.map((v) => v / norm);
  }
  return x;
}

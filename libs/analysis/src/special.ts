// Special functions behind the t distribution. Double precision throughout; accuracy is
// ~1e-14 relative for the arguments statistics uses (checked against scipy in special.test.ts).

import { StatisticsError } from './errors';

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * ln Γ(x) for x > 0 (Lanczos approximation, g = 7).
 *
 * @param x a number > 0
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma: expected x > 0; found ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

// Continued fraction for I_x(a, b) (modified Lentz), valid where x < (a + 1) / (a + b + 2).
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-16;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new StatisticsError(`incompleteBeta: continued fraction did not converge for x=${x}, a=${a}, b=${b}`);
}

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0, 0 <= x <= 1.
 *
 * @param x the upper limit, in [0, 1]
 * @param a the first shape parameter, > 0
 * @param b the second shape parameter, > 0
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`regularizedIncompleteBeta: expected a, b > 0; found a=${a}, b=${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedIncompleteBeta: expected 0 <= x <= 1; found x=${x}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  // The continued fraction converges fast only on one side of the mean; use the symmetry
  // I_x(a, b) = 1 - I_{1-x}(b, a) on the other.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * CDF of Student's t distribution with `df` degrees of freedom (df may be fractional, or Infinity).
 *
 * @param t the t statistic
 * @param df degrees of freedom, > 0 (Infinity: the normal distribution)
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: expected df > 0; found ${df}`);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (df === Infinity) return normalCdf(t);
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2).
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/**
 * Standard normal CDF via erfc (W. J. Cody's rational approximations are overkill here; this is ~1e-15).
 *
 * @param z the standard score
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Complementary error function, from the regularized incomplete gamma function Q(1/2, x²).
 *
 * @param x any real number
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  return upperIncompleteGammaQ(0.5, x * x);
}

// Q(a, x) = Γ(a, x) / Γ(a): series for x < a + 1, continued fraction otherwise (Numerical Recipes 6.2).
function upperIncompleteGammaQ(a: number, x: number): number {
  if (x === 0) return 1;
  const lnFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(lnFront);
  }
  const TINY = 1e-300;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lnFront) * h;
}

/** Upper tail P(T > t) of Student's t, accurate also where it is tiny (no 1 - cdf cancellation). */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/**
 * Quantile (inverse CDF) of Student's t: the t with P(T <= t) = p. Solved on the upper tail
 * (so p near 1 keeps its precision) by Newton steps inside a bracket that bisection keeps valid,
 * so it converges for every df and p in (0, 1).
 *
 * @param p the probability, in (0, 1)
 * @param df degrees of freedom, > 0 (Infinity: the normal distribution)
 */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: expected 0 <= p <= 1; found ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: expected df > 0; found ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const q = 1 - p;
  const sf = (t: number) => studentTSf(t, df);
  const logPdf = (t: number) =>
    df === Infinity ? -0.5 * t * t - 0.5 * Math.log(2 * Math.PI) : -((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5);
  let lo = 0;
  let hi = 1;
  while (sf(hi) > q) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  let t = (lo + hi) / 2;
  for (let i = 0; i < 300; i++) {
    const f = q - sf(t); // increasing in t
    if (f === 0) return t;
    if (f < 0) lo = t;
    else hi = t;
    let next = t - f / Math.exp(logPdf(t));
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 4e-16 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

import { StatisticsError } from './errors';
import { studentTCdf, studentTQuantile } from './special';

function checked(xs: readonly number[], where: string, minN: number): readonly number[] {
  if (xs.length < minN) throw new StatisticsError(`${where}: expected at least ${minN} values; found ${xs.length}`);
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new StatisticsError(`${where}: expected finite values; found ${xs[bad]} at index ${bad}`);
  return xs;
}

/**
 * Arithmetic mean.
 *
 * @param xs the sample
 */
export function mean(xs: readonly number[]): number {
  checked(xs, 'mean', 1);
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Median (the mean of the middle two for an even count).
 *
 * @param xs the sample
 */
export function median(xs: readonly number[]): number {
  checked(xs, 'median', 1);
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Sample variance (n - 1 denominator, as numpy's ddof=1); two-pass for accuracy.
 *
 * @param xs the sample
 */
export function variance(xs: readonly number[]): number {
  checked(xs, 'variance', 2);
  const m = mean(xs);
  let s = 0;
  let c = 0;
  for (const x of xs) {
    s += (x - m) * (x - m);
    c += x - m;
  }
  return (s - (c * c) / xs.length) / (xs.length - 1);
}

/**
 * Sample standard deviation (n - 1 denominator).
 *
 * @param xs the sample
 */
export function std(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/**
 * Standard error of the mean, std / sqrt(n).
 *
 * @param xs the sample
 */
export function standardError(xs: readonly number[]): number {
  return std(xs) / Math.sqrt(xs.length);
}

export interface ConfidenceInterval {
  mean: number;
  lo: number;
  hi: number;
  /** Half the interval's width: t_{(1+level)/2, n-1} * std / sqrt(n). */
  halfWidth: number;
  level: number;
  n: number;
}

/**
 * Student-t confidence interval for the mean (default level 0.95).
 *
 * @param xs the sample (at least two values)
 * @param level the confidence level, in (0, 1)
 */
export function confidenceInterval(xs: readonly number[], level = 0.95): ConfidenceInterval {
  if (!(level > 0 && level < 1)) throw new StatisticsError(`confidenceInterval: expected 0 < level < 1; found ${level}`);
  checked(xs, 'confidenceInterval', 2);
  const m = mean(xs);
  const halfWidth = studentTQuantile((1 + level) / 2, xs.length - 1) * standardError(xs);
  return { mean: m, lo: m - halfWidth, hi: m + halfWidth, halfWidth, level, n: xs.length };
}

/**
 * The 95% Student-t confidence interval for the mean.
 *
 * @param xs the sample (at least two values)
 */
export function ci95(xs: readonly number[]): ConfidenceInterval {
  return confidenceInterval(xs, 0.95);
}

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface TTestResult {
  /** t statistic of the differences a - b. */
  t: number;
  df: number;
  /** p-value under the chosen alternative. */
  p: number;
  /** Mean of a - b. */
  meanDiff: number;
  /** 95% (or `level`) confidence interval of the mean difference. */
  ci: ConfidenceInterval;
  alternative: Alternative;
  n: number;
}

/**
 * Paired t-test of a against b (as scipy.stats.ttest_rel): H0 is mean(a - b) = 0. 'greater' tests
 * mean(a - b) > 0. Identical pairs (zero variance of the differences) give t = ±Infinity or NaN.
 *
 * @param a one measurement per pair (e.g. per seed)
 * @param b the other measurement of each pair, in the same order
 * @param opts `alternative`: 'two-sided' (default), 'greater' or 'less'; `level` of the interval of the mean difference
 */
export function pairedTTest(a: readonly number[], b: readonly number[], opts: { alternative?: Alternative; level?: number } = {}): TTestResult {
  if (a.length !== b.length) {
    throw new StatisticsError(`pairedTTest: expected equal lengths; found a has ${a.length}, b has ${b.length}`);
  }
  checked(a, 'pairedTTest (a)', 2);
  checked(b, 'pairedTTest (b)', 2);
  const alternative = opts.alternative ?? 'two-sided';
  const d = a.map((x, i) => x - b[i]);
  const n = d.length;
  const df = n - 1;
  const md = mean(d);
  const se = standardError(d);
  const t = se === 0 ? (md === 0 ? NaN : md > 0 ? Infinity : -Infinity) : md / se;
  let p: number;
  if (Number.isNaN(t)) p = NaN;
  else if (alternative === 'two-sided') p = 2 * studentTCdf(-Math.abs(t), df);
  else if (alternative === 'greater') p = studentTCdf(-t, df);
  else p = studentTCdf(t, df);
  return { t, df, p, meanDiff: md, ci: confidenceInterval(d, opts.level ?? 0.95), alternative, n };
}

import { StatisticsError } from './errors';
import { studentTQuantile } from './special';
import { mean, variance } from './stats';

/** An interval for a fraction: always inside [0, 1], and around the estimate it is reported with. */
export interface ProportionInterval {
  /** The fraction the interval is for (successes / trials, or the mean of the runs' fractions). */
  estimate: number;
  lo: number;
  hi: number;
  level: number;
  /** The sample size the score interval used (trials, or the runs' effective count of units). */
  nEffective: number;
}

function checkLevel(level: number, where: string): void {
  if (!(level > 0 && level < 1)) throw new StatisticsError(`${where}: expected 0 < level < 1; found ${level}`);
}

// The Wilson score interval at critical value z: it depends on z and n only through z^2 / n, stays inside [0, 1]
// and is not degenerate at p = 0 or 1 (where the Wald interval is [p, p]).
function wilsonAt(p: number, n: number, z: number): [number, number] {
  if (n === Infinity) return [p, p];
  const k = (z * z) / n;
  const center = (p + k / 2) / (1 + k);
  const half = (Math.sqrt(k) * Math.sqrt(p * (1 - p) + k / 4)) / (1 + k);
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * The Wilson score interval for a binomial proportion `successes / trials` (as scipy's
 * `binomtest(k, n).proportion_ci(method='wilson')`). Counts may be fractional (effective counts).
 *
 * @param successes the count of successes (may be fractional)
 * @param trials the count of trials, > 0
 * @param level the confidence level (default 0.95)
 */
export function wilsonInterval(successes: number, trials: number, level = 0.95): ProportionInterval {
  checkLevel(level, 'wilsonInterval');
  if (!(Number.isFinite(trials) && trials > 0)) throw new StatisticsError(`wilsonInterval: expected trials > 0; found ${trials}`);
  if (!(successes >= 0 && successes <= trials)) {
    throw new StatisticsError(`wilsonInterval: expected 0 <= successes <= trials (${trials}); found ${successes}`);
  }
  const p = successes / trials;
  const [lo, hi] = wilsonAt(p, trials, studentTQuantile((1 + level) / 2, Infinity));
  return { estimate: p, lo, hi, level, nEffective: trials };
}

export interface FractionIntervalOptions {
  /** Per run, how many units its fraction is over (e.g. a network's activation units); omit when unknown. */
  trials?: readonly number[];
  level?: number;
}

/**
 * An interval for the mean over runs (seeds) of a fraction, inside [0, 1]: the Wilson score interval at the
 * runs' effective sample size (Kish): the pooled units, divided by the design effect where the runs disagree
 * more than sampling units would explain, n_eff = min(sum(trials), p(1 - p) m / s^2). Where the runs' spread
 * sets n_eff, the critical value is Student t with m - 1 degrees of freedom (the spread is estimated from m
 * runs, as Korn and Graubard do); where the units do, it is the normal one. Without `trials`, runs that agree
 * exactly give [p, p], as a Student-t interval would; a single run needs `trials`.
 *
 * @param fractions one fraction per run, each in [0, 1]
 * @param opts `trials`: per run, how many units its fraction is over; `level` (default 0.95)
 */
export function fractionInterval(fractions: readonly number[], opts: FractionIntervalOptions = {}): ProportionInterval | undefined {
  const level = opts.level ?? 0.95;
  checkLevel(level, 'fractionInterval');
  const m = fractions.length;
  const bad = fractions.findIndex((f) => !(f >= 0 && f <= 1));
  if (bad >= 0) throw new StatisticsError(`fractionInterval: expected fractions in [0, 1]; found ${fractions[bad]} at index ${bad}`);
  const pooled = pooledTrials(opts.trials, m);
  if (m === 0 || (m === 1 && pooled === undefined)) return undefined;
  const p = mean(fractions);
  const s2 = m > 1 ? variance(fractions) : 0;
  const byRuns = s2 > 0 ? (p * (1 - p) * m) / s2 : Infinity;
  const nEffective = Math.min(pooled ?? Infinity, byRuns);
  const z = byRuns < (pooled ?? Infinity) ? studentTQuantile((1 + level) / 2, m - 1) : studentTQuantile((1 + level) / 2, Infinity);
  const [lo, hi] = wilsonAt(p, nEffective, z);
  return { estimate: p, lo, hi, level, nEffective };
}

function pooledTrials(trials: readonly number[] | undefined, m: number): number | undefined {
  if (trials === undefined) return undefined;
  if (trials.length !== m) throw new StatisticsError(`fractionInterval: expected one trials count per fraction (${m}); found ${trials.length}`);
  const bad = trials.findIndex((t) => !(Number.isFinite(t) && t > 0));
  if (bad >= 0) throw new StatisticsError(`fractionInterval: expected trials > 0; found ${trials[bad]} at index ${bad}`);
  return trials.reduce((a, b) => a + b, 0);
}

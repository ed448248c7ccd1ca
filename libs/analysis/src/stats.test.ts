import { describe, expect, it } from 'vitest';
import { StatisticsError } from './errors';
import { ci95, confidenceInterval, mean, median, pairedTTest, std, variance } from './stats';

const close = (got: number, want: number, rel = 1e-12) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));

describe('descriptive statistics', () => {
  it('mean and sample std by hand', () => {
    // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, sum of squares 32, sample variance 32/7
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    close(variance(xs), 32 / 7);
    close(std(xs), Math.sqrt(32 / 7));
    expect(median(xs)).toBe(4.5);
    expect(median([9, 1, 5])).toBe(5);
  });
  it('is accurate for values with a large common offset', () => {
    close(variance([1e9 + 1, 1e9 + 2, 1e9 + 3]), 1, 1e-9);
  });
  it('rejects too few or non-finite values', () => {
    expect(() => mean([])).toThrow(StatisticsError);
    expect(() => median([])).toThrow(/median: expected at least 1 values; found 0/);
    expect(() => std([1])).toThrow(/at least 2 values; found 1/);
    expect(() => mean([1, NaN])).toThrow(/found NaN at index 1/);
  });
});

describe('confidence intervals', () => {
  it('matches scipy.stats.t.interval', () => {
    const x = [2.1, 2.5, 1.9, 2.8, 2.4, 2.2];
    const ci = ci95(x);
    close(ci.mean, 2.316666666666667);
    close(ci.lo, 1.9820519008554993, 1e-11);
    close(ci.hi, 2.6512814324778344, 1e-11);
    expect(ci.n).toBe(6);
  });
  it('n = 2 uses t(0.975, 1) = tan(0.475 π) (hand-worked)', () => {
    const ci = confidenceInterval([0, 2]);
    // mean 1, std √2, se 1
    close(ci.halfWidth, Math.tan(0.475 * Math.PI));
  });
});

describe('pairedTTest', () => {
  it('matches scipy.stats.ttest_rel for every alternative', () => {
    const a = [0.81, 0.79, 0.84, 0.8, 0.83];
    const b = [0.78, 0.8, 0.79, 0.77, 0.8];
    const r = pairedTTest(a, b);
    close(r.t, 2.653613888015109, 1e-11);
    close(r.p, 0.05676723381232179, 1e-11);
    expect(r.df).toBe(4);
    close(pairedTTest(a, b, { alternative: 'greater' }).p, 0.028383616906160897, 1e-11);
    close(pairedTTest(a, b, { alternative: 'less' }).p, 0.9716163830938391, 1e-11);
  });
  it('matches scipy for a negative statistic', () => {
    const r = pairedTTest([1, 2, 3, 4, 5, 6, 7, 8], [1.5, 1.9, 3.8, 4.1, 4.7, 6.9, 7.2, 8.8]);
    close(r.t, -2.261566466953449, 1e-11);
    close(r.p, 0.05819677851519302, 1e-11);
  });
  it('n = 2, df = 1: p from the Cauchy CDF (hand-worked)', () => {
    // d = [1, 3]: mean 2, sd √2, se 1, t = 2, p = 2 (1/2 - atan(2)/π)
    const r = pairedTTest([1, 3], [0, 0]);
    close(r.t, 2);
    close(r.p, 1 - (2 * Math.atan(2)) / Math.PI);
  });
  it('rejects unequal lengths', () => {
    expect(() => pairedTTest([1, 2], [1, 2, 3])).toThrow(/equal lengths; found a has 2, b has 3/);
  });
});

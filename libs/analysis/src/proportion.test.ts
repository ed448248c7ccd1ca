import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StatisticsError } from './errors';
import { fractionInterval, wilsonInterval } from './proportion';

// Reference intervals from scipy (tools/reference/stats/make_reference.py, checked in with its output).
const REFERENCE = path.resolve(__dirname, '../../../tools/reference/stats/proportions.json');
interface Reference {
  wilson: { successes: number; trials: number; level: number; lo: number; hi: number }[];
  fraction: { fractions: number[]; trials: number[] | null; level: number; estimate: number; lo: number; hi: number; nEffective: number | null }[];
}
const ref = JSON.parse(fs.readFileSync(REFERENCE, 'utf8')) as Reference;

const close = (got: number, want: number, tol = 1e-12) => expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));

describe('wilsonInterval', () => {
  it.each(ref.wilson)('matches scipy binomtest(%o).proportion_ci(wilson)', (c) => {
    const ci = wilsonInterval(c.successes, c.trials, c.level);
    close(ci.lo, c.lo);
    close(ci.hi, c.hi);
    expect(ci.estimate).toBe(c.successes / c.trials);
  });
  it('stays in [0, 1] at the ends, where the Wald interval collapses', () => {
    expect(wilsonInterval(0, 5).lo).toBe(0);
    expect(wilsonInterval(0, 5).hi).toBeGreaterThan(0.3);
    expect(wilsonInterval(5, 5).hi).toBe(1);
  });
  it('rejects impossible counts and levels', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(/expected 0 <= successes <= trials \(2\); found 3/);
    expect(() => wilsonInterval(1, 0)).toThrow(/expected trials > 0; found 0/);
    expect(() => wilsonInterval(1, 2, 95)).toThrow(StatisticsError);
  });
});

describe('fractionInterval', () => {
  it.each(ref.fraction)('matches the scipy reference for %o', (c) => {
    const ci = fractionInterval(c.fractions, { trials: c.trials ?? undefined, level: c.level })!;
    close(ci.estimate, c.estimate);
    close(ci.lo, c.lo, 1e-10);
    close(ci.hi, c.hi, 1e-10);
    if (c.nEffective !== null) close(ci.nEffective, c.nEffective, 1e-10);
  });
  it("keeps the issue's dead fraction inside [0, 1] (Student-t gave [-0.0099, 0.0261])", () => {
    const ci = fractionInterval([0, 1 / 288, 6 / 288], { trials: [288, 288, 288] })!;
    expect(ci.lo).toBeGreaterThanOrEqual(0);
    expect(ci.lo).toBeLessThan(ci.estimate);
    expect(ci.hi).toBeGreaterThan(ci.estimate);
  });
  it('is [p, p] for runs that agree exactly without unit counts, and undefined for one such run', () => {
    const ci = fractionInterval([0.9, 0.9])!;
    expect([ci.lo, ci.hi]).toEqual([0.9, 0.9]);
    expect(fractionInterval([0.9])).toBeUndefined();
    expect(fractionInterval([])).toBeUndefined();
  });
  it('rejects values that are not fractions and mismatched counts', () => {
    expect(() => fractionInterval([0.5, 1.2])).toThrow(/expected fractions in \[0, 1\]; found 1.2 at index 1/);
    expect(() => fractionInterval([0.5, 0.4], { trials: [10] })).toThrow(/one trials count per fraction \(2\); found 1/);
    expect(() => fractionInterval([0.5, 0.4], { trials: [10, 0] })).toThrow(/expected trials > 0; found 0 at index 1/);
  });
});

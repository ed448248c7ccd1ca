import { describe, expect, it } from 'vitest';
import { erfc, logGamma, normalCdf, regularizedIncompleteBeta, studentTCdf, studentTQuantile } from './special';

// Reference values from scipy 1.17.1 (scipy.special.betainc/gammaln/erfc, scipy.stats.t/norm),
// plus closed forms worked by hand where they exist.
const close = (got: number, want: number, rel = 1e-12) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    close(logGamma(1), 0);
    close(logGamma(5), Math.log(24));
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)));
  });
  it('matches scipy.special.gammaln', () => {
    close(logGamma(10.3), 13.482036786138359);
    close(logGamma(100), 359.1342053695754);
  });
  it('rejects non-positive arguments', () => {
    expect(() => logGamma(0)).toThrow(/expected x > 0; found 0/);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('equals a binomial tail for integer a, b (worked by hand)', () => {
    // I_0.3(2, 3) = P(Bin(4, 0.3) >= 2) = 1 - 0.7^4 - 4 * 0.3 * 0.7^3 = 0.3483
    close(regularizedIncompleteBeta(0.3, 2, 3), 0.3483);
    // I_x(1, 1) = x
    close(regularizedIncompleteBeta(0.37, 1, 1), 0.37);
    close(regularizedIncompleteBeta(0.5, 0.5, 0.5), 0.5);
  });
  it('matches scipy.special.betainc on both sides of the mean', () => {
    close(regularizedIncompleteBeta(0.9, 10, 2), 0.6973568802000002);
    close(regularizedIncompleteBeta(0.01, 0.5, 20), 0.4713699354850154);
    close(regularizedIncompleteBeta(0.7, 50, 40), 0.9979524488148462);
  });
  it('handles the end points and rejects bad arguments', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedIncompleteBeta(1.5, 2, 3)).toThrow(/0 <= x <= 1; found x=1.5/);
    expect(() => regularizedIncompleteBeta(0.5, -1, 3)).toThrow(/a, b > 0/);
  });
});

describe('normal', () => {
  it('matches scipy', () => {
    close(normalCdf(1.3), 0.9031995154143897);
    close(erfc(0.4), 0.5716076449533316);
    close(erfc(3.0), 2.2090496998585445e-5, 1e-10);
    close(normalCdf(0), 0.5);
  });
});

describe('Student t', () => {
  it('df = 1 is the Cauchy distribution (closed form)', () => {
    for (const t of [-3, -0.2, 0.3, 5]) close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI);
    close(studentTQuantile(0.975, 1), Math.tan(Math.PI * 0.475));
  });
  it('df = 2 has a closed-form quantile', () => {
    for (const p of [0.6, 0.9, 0.975, 0.999]) close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)));
  });
  it('CDF matches scipy.stats.t.cdf', () => {
    close(studentTCdf(1.5, 3), 0.8847080673775886);
    close(studentTCdf(-2.2, 7), 0.03186550765131839);
    close(studentTCdf(4, 20), 0.9996482383534359);
  });
  it('quantiles match scipy.stats.t.ppf', () => {
    const want: [number, number, number][] = [
      [0.975, 3, 3.1824463052837078],
      [0.975, 5, 2.5705818356363146],
      [0.975, 9, 2.262157162798205],
      [0.975, 10, 2.228138851986274],
      [0.975, 30, 2.0422724563012378],
      [0.975, 1000, 1.9623390808264083],
      [0.995, 4, 4.604094871349992],
      [0.9, 2.5, 1.7302509288071766],
    ];
    for (const [p, df, q] of want) close(studentTQuantile(p, df), q, 1e-11);
  });
  it('is antisymmetric and tends to the normal quantile', () => {
    close(studentTQuantile(0.025, 7), -studentTQuantile(0.975, 7));
    expect(studentTQuantile(0.5, 7)).toBe(0);
    close(studentTQuantile(0.975, Infinity), 1.959963984540054, 1e-11);
  });
});

import { describe, expect, it } from 'vitest';
import { tridiagonalEigenvalues, tridiagonalEigenvector, tridiagonalExtremes } from './tridiagonal';

const laplacian = (n: number) => ({ a: new Array(n).fill(2), b: new Array(n - 1).fill(-1) });

describe('tridiagonalEigenvalues', () => {
  it('matches the closed form of tridiag(-1, 2, -1): 2 - 2 cos(j pi / (n + 1))', () => {
    const n = 12;
    const { a, b } = laplacian(n);
    const got = tridiagonalEigenvalues(a, b);
    const want = Array.from({ length: n }, (_, j) => 2 - 2 * Math.cos(((j + 1) * Math.PI) / (n + 1)));
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 12));
    const ends = tridiagonalExtremes(a, b);
    expect(ends.min).toBeCloseTo(want[0], 12);
    expect(ends.max).toBeCloseTo(want[n - 1], 12);
  });

  it('handles 1 x 1, 2 x 2 (closed form) and a zero off-diagonal', () => {
    expect(tridiagonalEigenvalues([3], [])[0]).toBeCloseTo(3, 14);
    // [[a, b], [b, c]]: (a + c)/2 -+ sqrt(((a - c)/2)^2 + b^2)
    const [l1, l2] = tridiagonalEigenvalues([1, -2], [0.5]);
    const r = Math.sqrt(1.5 ** 2 + 0.25);
    expect(l1).toBeCloseTo(-0.5 - r, 12);
    expect(l2).toBeCloseTo(-0.5 + r, 12);
    expect(tridiagonalEigenvalues([5, -1, 2], [0, 0])).toEqual([-1, 2, 5].map((v) => expect.closeTo(v, 12)));
    expect(() => tridiagonalEigenvalues([1, 2], [])).toThrow(/expected 1 off-diagonal/);
    expect(() => tridiagonalExtremes([], [])).toThrow(/at least one/);
  });
});

describe('tridiagonalEigenvector', () => {
  it('matches the closed form of tridiag(-1, 2, -1): sqrt(2 / (n + 1)) sin(i j pi / (n + 1)), up to sign', () => {
    const n = 40;
    const { a, b } = laplacian(n);
    for (const j of [1, 2, 20, n]) {
      const theta = tridiagonalEigenvalues(a, b)[j - 1];
      const got = tridiagonalEigenvector(a, b, theta);
      const want = Array.from({ length: n }, (_, i) => Math.sqrt(2 / (n + 1)) * Math.sin(((i + 1) * j * Math.PI) / (n + 1)));
      const sign = Math.sign(got[0]) * Math.sign(want[0]);
      got.forEach((g, i) => expect(g * sign).toBeCloseTo(want[i], 10));
    }
  });

  it('needs row interchanges for an indefinite matrix and still gives T x = theta x', () => {
    const a = [0.1, -3, 2, 0.5, -1, 4];
    const b = [2, 1e-3, 5, 0.7, 3];
    for (const theta of tridiagonalEigenvalues(a, b)) {
      const x = tridiagonalEigenvector(a, b, theta);
      const tx = a.map((ai, i) => ai * x[i] + (i > 0 ? b[i - 1] * x[i - 1] : 0) + (i < a.length - 1 ? b[i] * x[i + 1] : 0));
      tx.forEach((v, i) => expect(v).toBeCloseTo(theta * x[i], 10));
      expect(Math.hypot(...x)).toBeCloseTo(1, 12);
    }
  });

  it('works for tiny (subnormal) and zero matrices, as a Hessian of dead ReLUs gives', () => {
    const x = tridiagonalEigenvector([-4.9e-316, 1e-320], [2e-318], tridiagonalExtremes([-4.9e-316, 1e-320], [2e-318]).min);
    expect(x.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...x)).toBeCloseTo(1, 12);
    expect(tridiagonalEigenvector([0, 0], [0], 0)).toEqual([1, 0]);
  });
});

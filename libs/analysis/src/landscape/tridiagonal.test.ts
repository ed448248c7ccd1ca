import { describe, expect, it } from 'vitest';
import { tridiagonalEigenvalues } from './tridiagonal';

describe('tridiagonalEigenvalues', () => {
  it('matches the closed form of tridiag(-1, 2, -1): 2 - 2 cos(j pi / (n + 1))', () => {
    const n = 12;
    const got = tridiagonalEigenvalues(new Array(n).fill(2), new Array(n - 1).fill(-1));
    const want = Array.from({ length: n }, (_, j) => 2 - 2 * Math.cos(((j + 1) * Math.PI) / (n + 1)));
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 12));
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
  });
});

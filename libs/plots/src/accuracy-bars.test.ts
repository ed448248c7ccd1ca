import { describe, expect, it } from 'vitest';
import { accuracyBars, accuracyRange } from './accuracy-bars';

describe('accuracyBars', () => {
  it('draws one bar per variant with asymmetric interval bars and the seeds as points', () => {
    const fig = accuracyBars([
      { variant: 'relu', mean: 0.9, low: 0.85, high: 0.92, values: [0.88, 0.9, 0.92] },
      { variant: 'sugar', mean: 0.93, low: 0.92, high: 0.95 },
    ]);
    const [bars, seeds] = fig.data;
    expect(bars.type).toBe('bar');
    expect(bars.y).toEqual([0.9, 0.93]);
    expect(bars.error_y?.array?.map((v) => +v.toFixed(12))).toEqual([0.02, 0.02]);
    expect(bars.error_y?.arrayminus?.map((v) => +v.toFixed(12))).toEqual([0.05, 0.01]);
    expect((bars.marker?.color as string[])[0]).not.toBe((bars.marker?.color as string[])[1]);
    expect(fig.data).toHaveLength(2);
    expect(seeds.y).toEqual([0.88, 0.9, 0.92]);
    expect((seeds.x as number[]).every((x) => x > 0 && x < 0.3)).toBe(true);
    expect(fig.layout.xaxis?.ticktext).toEqual(['relu', 'sugar']);
  });

  it('zooms the y axis to the data, so 0.81 and 0.83 look different (the report and notebooks alike)', () => {
    const rows = [
      { variant: 'relu', mean: 0.81, low: 0.8, high: 0.82, values: [0.8, 0.81, 0.82] },
      { variant: 'sugar', mean: 0.83, low: 0.82, high: 0.845 },
    ];
    const [lo, hi] = accuracyBars(rows).layout.yaxis!.range as [number, number];
    // The data span 0.8..0.845, padded by 0.01 (15% of the span, 0.00675, is less).
    expect(lo).toBeCloseTo(0.79, 12);
    expect(hi).toBeCloseTo(0.855, 12);
    expect(accuracyRange(rows)).toEqual([lo, hi]);
    expect(accuracyBars(rows, { fromZero: true }).layout.yaxis!.range).toBeUndefined();
    expect(accuracyBars(rows, { yRange: [0.5, 1] }).layout.yaxis!.range).toEqual([0.5, 1]);
  });

  it('keeps a zoomed fraction axis inside [0, 1], and pads a single value', () => {
    const near1 = accuracyRange([{ variant: 'a', mean: 0.99, low: 0.97, high: 1 }]);
    expect(near1[0]).toBeCloseTo(0.96, 12);
    expect(near1[1]).toBe(1);
    // A wide span is padded by 15% of it.
    const wide = accuracyRange([{ variant: 'a', mean: 0.5, low: 0.3, high: 0.7 }]);
    expect(wide[0]).toBeCloseTo(0.24, 12);
    expect(wide[1]).toBeCloseTo(0.76, 12);
    const loss = accuracyRange([{ variant: 'a', mean: 2.5 }]);
    expect(loss[0]).toBeCloseTo(2.49, 12);
    expect(loss[1]).toBeCloseTo(2.51, 12);
  });

  it('needs both ends of an interval', () => {
    expect(() => accuracyBars([{ variant: 'a', mean: 1, low: 0 }])).toThrow('rows[0]: expected both low and high, or neither, found only low');
  });
});

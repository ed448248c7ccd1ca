import { describe, expect, it } from 'vitest';
import { accuracyBars } from './accuracy-bars';

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

  it('needs both ends of an interval', () => {
    expect(() => accuracyBars([{ variant: 'a', mean: 1, low: 0 }])).toThrow('rows[0]: expected both low and high, or neither, found only low');
  });
});

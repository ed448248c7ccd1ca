import { describe, expect, it } from 'vitest';
import { seedStats } from './seed-stats';
import { trainingCurves } from './training-curves';

const runs = [
  { variant: 'relu', seed: 0, epochs: [1, 2, 3], values: [0.5, 0.6, 0.7] },
  { variant: 'relu', seed: 1, epochs: [1, 2, 3], values: [0.3, 0.8, 0.7] },
  { variant: 'relu', seed: 2, epochs: [1, 2, 3], values: [0.4, 0.7, NaN] },
  { variant: 'sugar', seed: 0, epochs: [1, 2], values: [0.9, 0.95] },
];

describe('seedStats', () => {
  it('matches hand-computed mean, sample std, min and max, skipping NaN', () => {
    const s = seedStats(runs.slice(0, 3).map((r) => ({ x: r.epochs, y: r.values })));
    expect(s.x).toEqual([1, 2, 3]);
    expect(s.n).toEqual([3, 3, 2]);
    expect(s.mean[0]).toBeCloseTo(0.4, 12);
    expect(s.std[0]).toBeCloseTo(0.1, 12); // deviations -0.1, 0.1, 0 / (n-1 = 2)
    expect(s.std[2]).toBe(0);
    expect(s.min).toEqual([0.3, 0.6, 0.7]);
    expect(s.max).toEqual([0.5, 0.8, 0.7]);
  });
});

describe('trainingCurves', () => {
  it('draws a band polygon and a mean line per multi-seed variant, a line alone for one seed', () => {
    const fig = trainingCurves(runs, { metric: 'test accuracy' });
    expect(fig.data.map((t) => (t.meta as { role: string }).role)).toEqual(['band', 'mean', 'mean']);
    const [band, mean, sugar] = fig.data;
    expect(band.fill).toBe('toself');
    expect(band.x).toEqual([1, 2, 3, 3, 2, 1]);
    expect(band.y).toEqual([0.5, 0.8, 0.7, 0.7, 0.6, 0.3]);
    expect(band.showlegend).toBe(false);
    expect(band.legendgroup).toBe(mean.legendgroup);
    expect(mean.name).toBe('relu (3 seeds)');
    expect(sugar.name).toBe('sugar');
    expect(sugar.x).toEqual([1, 2]);
    expect(fig.layout.yaxis?.title?.text).toBe('test accuracy');
  });

  it('draws mean ± std bands and no band at all on request', () => {
    const std = trainingCurves(runs, { metric: 'loss', band: 'std' }).data[0];
    expect((std.y as number[])[0]).toBeCloseTo(0.5, 12);
    expect((std.y as number[])[5]).toBeCloseTo(0.3, 12);
    expect(trainingCurves(runs, { metric: 'loss', band: 'none' }).data).toHaveLength(2);
  });

  it('rejects values that do not match the epochs', () => {
    expect(() => trainingCurves([{ ...runs[0], values: [1] }], { metric: 'm' })).toThrow('runs[0].values: expected 3 values (one per epoch), found 1');
  });
});

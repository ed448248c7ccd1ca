import { describe, expect, it } from 'vitest';
import { deadUnitsFigure, heatmapRange } from './dead-units';

const series = [
  { variant: 'relu', layer: 'dense1', epochs: [0, 1, 2], fraction: [0.1, 0.2, 0.3] },
  { variant: 'relu', layer: 'dense2', epochs: [0, 1, 2], fraction: [0.2, 0.4, 0.6] },
  { variant: 'sugar', layer: 'dense1', epochs: [0, 1], fraction: [0.1, 0.0] },
  { variant: 'sugar', layer: 'dense2', epochs: [0, 2], fraction: [0.2, 0.0] },
];

describe('deadUnitsFigure', () => {
  it('draws one line per layer, colored by layer for one model', () => {
    const fig = deadUnitsFigure(series.slice(0, 2).map(({ variant: _variant, ...s }) => s));
    expect(fig.data.map((t) => t.name)).toEqual(['dense1', 'dense2']);
    expect(fig.data[0].line?.color).not.toBe(fig.data[1].line?.color);
    expect(fig.data[1].y).toEqual([0.2, 0.4, 0.6]);
  });

  it('colors by variant and dashes by layer when variants are compared', () => {
    const fig = deadUnitsFigure(series);
    expect(fig.data).toHaveLength(4);
    expect(fig.data[0].line?.color).toBe(fig.data[1].line?.color);
    expect(fig.data[0].line?.dash).not.toBe(fig.data[1].line?.dash);
    expect(fig.data[0].line?.dash).toBe(fig.data[2].line?.dash);
  });

  it('builds a layer x epoch heatmap per variant, with gaps where an epoch is missing', () => {
    const fig = deadUnitsFigure(series, { mode: 'heatmap' });
    expect(fig.data.map((t) => [t.type, t.xaxis, t.yaxis])).toEqual([
      ['heatmap', 'x', 'y'],
      ['heatmap', 'x2', 'y2'],
    ]);
    expect(fig.data[0].z).toEqual([
      [0.1, 0.2, 0.3],
      [0.2, 0.4, 0.6],
    ]);
    expect(fig.data[1].x).toEqual([0, 1, 2]);
    expect(fig.data[1].z).toEqual([
      [0.1, 0.0, null],
      [0.2, null, 0.0],
    ]);
    expect(fig.layout.grid).toMatchObject({ rows: 1, columns: 2 });
  });

  it("fits the heatmap's colour scale to the data and shows its colourbar", () => {
    const small = [
      { variant: 'relu', layer: 'dense1', epochs: [0, 1], fraction: [0.0, 0.08] },
      { variant: 'relu', layer: 'dense2', epochs: [0, 1], fraction: [0.02, 0.2] },
    ];
    const axis = deadUnitsFigure(small, { mode: 'heatmap' }).layout.coloraxis as {
      cmin: number;
      cmax: number;
      showscale: boolean;
      colorbar: { tickformat: string };
    };
    expect([axis.cmin, axis.cmax, axis.showscale, axis.colorbar.tickformat]).toEqual([0, 0.2, true, '.0%']);
    expect(heatmapRange([{ layer: 'a', epochs: [0, 1], fraction: [0.001, 0.004] }])).toEqual({ cmin: 0.001, cmax: 0.011, format: '.1%' });
    expect(heatmapRange([{ layer: 'a', epochs: [0], fraction: [1] }])).toEqual({ cmin: 0.99, cmax: 1, format: '.1%' });
  });

  it('rejects fractions outside [0, 1]', () => {
    expect(() => deadUnitsFigure([{ layer: 'a', epochs: [0], fraction: [40] }])).toThrow('series[0].fraction[0]: expected a fraction in [0, 1], found 40');
  });
});

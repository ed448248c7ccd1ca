import { describe, expect, it } from 'vitest';
import { activationHistogram, histogramCounts } from './activation-histogram';

describe('histogramCounts', () => {
  it('bins on [0, 1] with the last bin closed', () => {
    expect(histogramCounts([0, 0, 0.1, 0.25, 0.5, 0.99, 1, NaN], 4)).toEqual([3, 1, 1, 2]);
  });
});

describe('activationHistogram', () => {
  const layers = [
    { variant: 'relu', layer: 'l1', probabilities: [0, 0, 0.5, 1] },
    { variant: 'sugar', layer: 'l1', probabilities: [0.2, 0.5, 0.5, 1] },
    { variant: 'relu', layer: 'l2', probabilities: [0, 0.9] },
  ];

  it('draws one panel per layer with the variants overlaid as fractions', () => {
    const fig = activationHistogram(layers, { bins: 4 });
    expect(fig.data.map((t) => [t.name, t.xaxis])).toEqual([
      ['relu', 'x'],
      ['sugar', 'x'],
      ['relu', 'x2'],
    ]);
    expect(fig.data[0].y).toEqual([0.5, 0, 0.25, 0.25]);
    expect(fig.data[0].x).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(fig.layout.barmode).toBe('overlay');
    // Each variant appears once in the legend.
    expect(fig.data.map((t) => t.showlegend)).toEqual([true, true, false]);
    expect(fig.layout.annotations?.[0].text).toContain('relu 2/4');
  });

  it('counts units on request', () => {
    expect(activationHistogram(layers.slice(2), { bins: 2, normalize: 'count' }).data[0].y).toEqual([1, 1]);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => activationHistogram([{ layer: 'l', probabilities: [1.5] }])).toThrow('layers[0].probabilities[0]');
  });
});

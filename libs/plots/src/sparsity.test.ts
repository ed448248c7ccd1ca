import { describe, expect, it } from 'vitest';
import { sparsityFigure } from './sparsity';

describe('sparsityFigure', () => {
  it('draws grouped bars: one trace per variant, layers in the order given', () => {
    const fig = sparsityFigure([
      { variant: 'relu', layer: 'conv2', sparsity: 0.6, error: 0.05 },
      { variant: 'relu', layer: 'conv1', sparsity: 0.5, error: 0.02 },
      { variant: 'gelu', layer: 'conv1', sparsity: 0.01 },
    ]);
    expect(fig.layout.barmode).toBe('group');
    expect(fig.data.map((t) => t.name)).toEqual(['relu', 'gelu']);
    expect(fig.data[0]).toMatchObject({ x: ['conv2', 'conv1'], y: [0.6, 0.5], error_y: { array: [0.05, 0.02] } });
    expect(fig.data[1]).toMatchObject({ x: ['conv2', 'conv1'], y: [null, 0.01] });
    expect(fig.data[1].error_y).toBeUndefined();
  });
});

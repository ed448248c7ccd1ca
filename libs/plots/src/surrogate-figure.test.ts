import { describe, expect, it } from 'vitest';
import { PlotInputError } from './errors';
import { surrogateFigure } from './surrogate-figure';

const x = [-2, -1, 0, 1, 2];
const silu = { name: 'silu', x, value: x.map((v) => v / (1 + Math.exp(-v))), grad: x.map(() => 0.5) };

describe('surrogateFigure', () => {
  it('draws each curve in both panels and adds the ReLU reference', () => {
    const fig = surrogateFigure([silu, { ...silu, name: 'bsilu' }]);
    expect(fig.data).toHaveLength(6);
    const onRight = fig.data.filter((t) => t.xaxis === 'x2');
    expect(onRight.map((t) => t.name)).toEqual(['silu', 'bsilu', 'ReLU']);
    expect(fig.data.filter((t) => t.showlegend !== false).map((t) => t.name)).toEqual(['silu', 'bsilu', 'ReLU']);
    const relu = fig.data.filter((t) => t.name === 'ReLU');
    expect(relu[0]).toMatchObject({ x: [-2, 0, 2], y: [0, 0, 2] });
    expect(relu[1]).toMatchObject({ x: [-2, 0, 2], y: [0, 1, 1], line: { shape: 'hv' } });
    expect(fig.layout.grid).toMatchObject({ rows: 1, columns: 2 });
    // Same color for a curve in both panels.
    const s = fig.data.filter((t) => t.name === 'silu');
    expect(s[0].line?.color).toBe(s[1].line?.color);
  });

  it('skips the reference when asked or when ReLU is given', () => {
    expect(surrogateFigure([silu], { relu: false }).data).toHaveLength(2);
    expect(surrogateFigure([silu, { ...silu, name: 'relu' }]).data).toHaveLength(4);
  });

  it('says which array has the wrong length', () => {
    expect(() => surrogateFigure([{ ...silu, grad: [1, 2] }])).toThrow(PlotInputError);
    expect(() => surrogateFigure([{ ...silu, grad: [1, 2] }])).toThrow('curves[0].grad: expected 5 values (one per x), found 2');
  });
});

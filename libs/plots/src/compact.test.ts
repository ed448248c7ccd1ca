import { describe, expect, it } from 'vitest';
import { compactNumbers } from './compact';

describe('compactNumbers', () => {
  it('rounds non-integers to 6 significant digits anywhere in the figure, and keeps the rest', () => {
    const fig = {
      data: [
        {
          type: 'heatmap',
          z: [
            [0, 0.20392156862745098, 1],
            [NaN, 1234567.891, 1e-12 / 3],
          ],
          name: 'x 0.123456789',
        },
      ],
      layout: { height: 420, xaxis: { range: [0.1 + 0.2, 2 / 3] }, showlegend: false, title: null },
    };
    expect(compactNumbers(fig)).toEqual({
      data: [
        {
          type: 'heatmap',
          z: [
            [0, 0.203922, 1],
            [NaN, 1234570, 3.33333e-13],
          ],
          name: 'x 0.123456789',
        },
      ],
      layout: { height: 420, xaxis: { range: [0.3, 0.666667] }, showlegend: false, title: null },
    });
    expect(JSON.stringify(compactNumbers([2 / 3]))).toBe('[0.666667]');
  });

  it('writes typed arrays as plain arrays of rounded numbers, and leaves its input alone', () => {
    const y = new Float32Array([0.1, 0.5]);
    expect(compactNumbers({ y }, 3)).toEqual({ y: [0.1, 0.5] });
    expect(y[0]).toBe(Math.fround(0.1));
  });
});

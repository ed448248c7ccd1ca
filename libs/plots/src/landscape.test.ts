import { describe, expect, it } from 'vitest';
import { landscapeContour, landscapeLine, landscapeSurface } from './landscape';

// loss[i][j] at (alphas[i], betas[j]); 3 alphas x 2 betas so a transposition would show.
const grid = {
  alphas: [-1, 0, 1],
  betas: [-0.5, 0.5],
  loss: [
    [1, 2],
    [3, 4],
    [5, 6],
  ],
};

describe('loss landscape figures', () => {
  it('puts alphas on x and betas on y (Plotly z rows follow y)', () => {
    const c = landscapeContour(grid).data[0];
    expect(c).toMatchObject({ type: 'contour', x: [-1, 0, 1], y: [-0.5, 0.5] });
    expect(c.z).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    const s = landscapeSurface(grid).data[0];
    expect(s.type).toBe('surface');
    expect(s.z).toEqual(c.z);
  });

  it('plots log10 loss on request', () => {
    expect(landscapeContour({ alphas: [0], betas: [0, 1], loss: [[10, 1000]] }, { log: true }).data[0].z).toEqual([[1], [3]]);
  });

  it('says when the grid is transposed', () => {
    const t = {
      alphas: grid.alphas,
      betas: grid.betas,
      loss: [
        [1, 3, 5],
        [2, 4, 6],
      ],
    };
    expect(() => landscapeContour(t)).toThrow(/expected 3 rows \(one per alpha\) of 2 values.*looks transposed/);
  });

  it('draws one line per 1-D interpolation', () => {
    const fig = landscapeLine([
      { name: 'relu', alphas: [0, 0.5, 1], loss: [1, 2, 1] },
      { name: 'sugar', alphas: [0, 1], loss: [1, 1] },
    ]);
    expect(fig.data.map((t) => t.name)).toEqual(['relu', 'sugar']);
    expect(fig.data[0].line?.color).not.toBe(fig.data[1].line?.color);
  });
});

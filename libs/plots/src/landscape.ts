import { PlotInputError } from './errors';
import type { Figure, PlotlyTrace } from './figure';
import { axis, baseLayout } from './layout';
import { variantColors } from './palette';
import { nonEmpty, numbers, str } from './validate';

/**
 * A 2-D loss-landscape slice: `loss[i][j]` is the loss at `theta + alphas[i] * d1 + betas[j] * d2`
 * (row i follows alphas, column j follows betas).
 */
export interface LandscapeGrid {
  alphas: number[];
  betas: number[];
  loss: number[][];
}

export interface LandscapeOptions {
  title?: string;
  /** Plot log10(loss): landscapes span orders of magnitude away from the minimum. */
  log?: boolean;
  /** Contour levels (default 25). */
  levels?: number;
  colorscale?: string;
}

function checkGrid(grid: LandscapeGrid): { alphas: number[]; betas: number[]; loss: number[][] } {
  const alphas = numbers(grid?.alphas, 'grid.alphas', undefined, 'alphas');
  const betas = numbers(grid.betas, 'grid.betas', undefined, 'betas');
  if (!Array.isArray(grid.loss)) throw new PlotInputError('grid.loss', `an array of ${alphas.length} rows`, typeof grid.loss);
  if (grid.loss.length !== alphas.length) {
    const transposed = grid.loss.length === betas.length && grid.loss.every((r) => r?.length === alphas.length);
    throw new PlotInputError(
      'grid.loss',
      `${alphas.length} rows (one per alpha) of ${betas.length} values (one per beta)`,
      `${grid.loss.length} rows${transposed ? ' (it looks transposed: rows must follow alphas)' : ''}`,
    );
  }
  const loss = grid.loss.map((row, i) => numbers(row, `grid.loss[${i}]`, betas.length, 'values (one per beta)'));
  return { alphas, betas, loss };
}

// Plotly's z[r][c] sits at (x[c], y[r]); with alphas on x that is loss transposed.
function zFor(g: { alphas: number[]; betas: number[]; loss: number[][] }, log: boolean): (number | null)[][] {
  return g.betas.map((_, j) =>
    g.alphas.map((__, i) => {
      const v = g.loss[i][j];
      if (!Number.isFinite(v)) return null;
      return log ? (v > 0 ? Math.log10(v) : null) : v;
    }),
  );
}

/**
 * A 2-D loss-landscape slice as filled contours over the (α, β) plane, the trained weights at the origin.
 *
 * @param grid the slice: `loss[i][j]` at `alphas[i]` along direction 1 and `betas[j]` along direction 2 (rows follow
 *   alphas); non-finite losses are left as gaps
 * @param opts title, log10 of the loss (for slices spanning orders of magnitude), contour levels (default 25) and
 *   the plotly colorscale
 */
export function landscapeContour(grid: LandscapeGrid, opts: LandscapeOptions = {}): Figure {
  const g = checkGrid(grid);
  const log = opts.log ?? false;
  const zLabel = log ? 'log10 loss' : 'loss';
  const data: PlotlyTrace[] = [
    {
      type: 'contour',
      name: zLabel,
      x: g.alphas,
      y: g.betas,
      z: zFor(g, log),
      colorscale: opts.colorscale ?? 'Viridis',
      ncontours: opts.levels ?? 25,
      contours: { coloring: 'heatmap', showlabels: true, labelfont: { size: 10, color: 'white' } },
      line: { width: 0.5, color: 'rgba(255,255,255,0.5)' },
      colorbar: { title: { text: zLabel } },
      hovertemplate: `α %{x:.3g}<br>β %{y:.3g}<br>${zLabel} %{z:.4g}<extra></extra>`,
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'trained weights',
      x: [0],
      y: [0],
      marker: { symbol: 'x', size: 10, color: '#ffffff', line: { width: 1.5, color: '#000000' } },
      showlegend: false,
      hovertemplate: 'trained weights (α = β = 0)<extra></extra>',
    },
  ];
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? 'Loss landscape'),
      xaxis: axis('α (direction 1)', { zeroline: false }),
      yaxis: axis('β (direction 2)', { zeroline: false, scaleanchor: 'x', scaleratio: 1 }),
      width: 640,
      height: 560,
    },
  };
}

/**
 * A 2-D loss-landscape slice as a 3-D surface, with its contours projected on the floor.
 *
 * @param grid the slice: `loss[i][j]` at `alphas[i]` along direction 1 and `betas[j]` along direction 2 (rows follow
 *   alphas); non-finite losses are left as gaps
 * @param opts title, log10 of the loss, and the plotly colorscale (default Viridis); `levels` is not used
 */
export function landscapeSurface(grid: LandscapeGrid, opts: LandscapeOptions = {}): Figure {
  const g = checkGrid(grid);
  const log = opts.log ?? false;
  const zLabel = log ? 'log10 loss' : 'loss';
  return {
    data: [
      {
        type: 'surface',
        name: zLabel,
        x: g.alphas,
        y: g.betas,
        z: zFor(g, log),
        colorscale: opts.colorscale ?? 'Viridis',
        colorbar: { title: { text: zLabel } },
        contours: { z: { show: true, usecolormap: true, project: { z: true } } },
        hovertemplate: `α %{x:.3g}<br>β %{y:.3g}<br>${zLabel} %{z:.4g}<extra></extra>`,
      },
    ],
    layout: {
      ...baseLayout(opts.title ?? 'Loss landscape'),
      scene: {
        xaxis: { title: { text: 'α' } },
        yaxis: { title: { text: 'β' } },
        zaxis: { title: { text: zLabel } },
        camera: { eye: { x: 1.5, y: 1.5, z: 1.0 } },
      },
      width: 720,
      height: 620,
    },
  };
}

/** A 1-D interpolation: loss at `theta0 + alpha * (theta1 - theta0)` per variant. */
export interface LandscapeLine {
  name: string;
  alphas: number[];
  loss: number[];
}

/**
 * 1-D interpolations between two weight vectors, one line per variant in its color.
 *
 * @param lines per variant, the interpolation coefficients `alphas` (0 at theta0, 1 at theta1) and the loss at each
 * @param opts title, log10 of the loss, and the x axis label
 */
export function landscapeLine(lines: LandscapeLine[], opts: Omit<LandscapeOptions, 'levels' | 'colorscale'> & { xLabel?: string } = {}): Figure {
  nonEmpty(lines, 'lines', 'line');
  const colors = variantColors(lines.map((l, i) => str(l?.name, `lines[${i}].name`)));
  const data: PlotlyTrace[] = lines.map((l, i) => {
    const a = numbers(l.alphas, `lines[${i}].alphas`, undefined, 'alphas');
    const y = numbers(l.loss, `lines[${i}].loss`, a.length, 'values (one per alpha)');
    return {
      type: 'scatter',
      mode: 'lines',
      name: l.name,
      x: a,
      y,
      line: { color: colors.get(l.name), width: 2 },
      hovertemplate: `${l.name}<br>α %{x:.3g}<br>loss %{y:.4g}<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? 'Loss along an interpolation'),
      xaxis: axis(opts.xLabel ?? 'α'),
      yaxis: axis('loss', opts.log ? { type: 'log' } : {}),
      width: 800,
      height: 480,
    },
  };
}

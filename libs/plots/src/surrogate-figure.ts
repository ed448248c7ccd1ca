import type { Figure, PlotlyTrace } from './figure';
import { axis, baseLayout, subplotTitle } from './layout';
import { variantColors } from './palette';
import { nonEmpty, numbers, str } from './validate';

/** One surrogate sampled on a grid: its value f(x) and derivative f'(x) (computed by the caller with core). */
export interface SurrogateCurve {
  name: string;
  x: number[];
  value: number[];
  grad: number[];
}

export interface SurrogateFigureOptions {
  title?: string;
  /** Draw ReLU and its step derivative as the black dashed reference (default true; skipped if a curve is named `relu`). */
  relu?: boolean;
}

/**
 * The paper's Figure 1: surrogate functions (left) and their derivatives (right) next to ReLU.
 * Each surrogate keeps one color and one legend entry across both panels.
 *
 * @param curves per surrogate, its name and its value and derivative sampled on the grid `x` (computed with core)
 * @param opts title, and whether to draw ReLU and its step as the dashed reference (default true)
 */
export function surrogateFigure(curves: SurrogateCurve[], opts: SurrogateFigureOptions = {}): Figure {
  nonEmpty(curves, 'curves', 'curve');
  const checked = curves.map((c, i) => {
    const name = str(c?.name, `curves[${i}].name`);
    const x = numbers(c.x, `curves[${i}].x`);
    return {
      name,
      x,
      value: numbers(c.value, `curves[${i}].value`, x.length, 'values (one per x)'),
      grad: numbers(c.grad, `curves[${i}].grad`, x.length, 'values (one per x)'),
    };
  });
  const colors = variantColors(checked.map((c) => c.name));
  const data: PlotlyTrace[] = [];
  for (const c of checked) {
    const style = { type: 'scatter', mode: 'lines', name: c.name, legendgroup: c.name, line: { color: colors.get(c.name), width: 2 } };
    data.push({ ...style, x: c.x, y: c.value, xaxis: 'x', yaxis: 'y' });
    data.push({ ...style, x: c.x, y: c.grad, xaxis: 'x2', yaxis: 'y2', showlegend: false });
  }
  const hasRelu = checked.some((c) => c.name.toLowerCase() === 'relu');
  if (opts.relu !== false && !hasRelu) {
    const lo = Math.min(...checked.map((c) => Math.min(...c.x)));
    const hi = Math.max(...checked.map((c) => Math.max(...c.x)));
    const style = { type: 'scatter', mode: 'lines', name: 'ReLU', legendgroup: 'ReLU', legendrank: 1, line: { color: '#000000', width: 1.5, dash: 'dash' } };
    // Last, so the dashed reference is drawn over the curves; legendrank lists it first.
    data.push(
      { ...style, x: [lo, 0, Math.max(hi, 0)], y: [0, 0, Math.max(hi, 0)], xaxis: 'x', yaxis: 'y' },
      // 'hv' draws the step: f'(x) = 0 up to 0, then 1.
      { ...style, x: [lo, 0, Math.max(hi, 0)], y: [0, 1, 1], xaxis: 'x2', yaxis: 'y2', showlegend: false, line: { ...style.line, shape: 'hv' } },
    );
  }
  return {
    data,
    layout: {
      ...baseLayout(opts.title),
      grid: { rows: 1, columns: 2, pattern: 'independent' },
      xaxis: axis('x'),
      yaxis: axis('f(x)'),
      xaxis2: axis('x'),
      yaxis2: axis("f'(x)"),
      annotations: [subplotTitle(0, 'function'), subplotTitle(1, 'derivative')],
      width: 1000,
      height: 450,
    },
  };
}

import type { Figure, PlotlyTrace } from './figure';
import { axis, baseLayout, figureWidth, fractionRange } from './layout';
import { variantColors } from './palette';
import { nonEmpty, str, uniqueInOrder } from './validate';
import { PlotInputError } from './errors';

/** Activation sparsity (fraction of exact zeros) of one layer under one variant. */
export interface SparsityRow {
  variant: string;
  layer: string;
  sparsity: number;
  /** Half-width of an error bar (e.g. std over seeds), optional. */
  error?: number;
}

export interface SparsityOptions {
  title?: string;
  yLabel?: string;
}

/**
 * Grouped bars: layers along x (in the order given), one bar per variant in its color.
 *
 * @param rows one per layer and variant: the fraction of exact zeros in [0, 1], with an optional error bar half-width
 * @param opts title and y axis label
 */
export function sparsityFigure(rows: SparsityRow[], opts: SparsityOptions = {}): Figure {
  nonEmpty(rows, 'rows', 'row');
  rows.forEach((r, i) => {
    str(r?.variant, `rows[${i}].variant`);
    str(r.layer, `rows[${i}].layer`);
    if (typeof r.sparsity !== 'number') throw new PlotInputError(`rows[${i}].sparsity`, 'a number', String(r.sparsity));
  });
  const layers = uniqueInOrder(rows.map((r) => r.layer));
  const variants = uniqueInOrder(rows.map((r) => r.variant));
  const colors = variantColors(variants);
  const data: PlotlyTrace[] = variants.map((v) => {
    const byLayer = new Map(rows.filter((r) => r.variant === v).map((r) => [r.layer, r]));
    const ys = layers.map((l) => byLayer.get(l)?.sparsity ?? null);
    const errs = layers.map((l) => byLayer.get(l)?.error ?? 0);
    return {
      type: 'bar',
      name: v,
      legendgroup: v,
      x: layers,
      y: ys,
      marker: { color: colors.get(v) },
      ...(rows.some((r) => r.variant === v && r.error !== undefined)
        ? { error_y: { type: 'data', array: errs, visible: true, color: '#333', thickness: 1.2, width: 3 } }
        : {}),
      hovertemplate: `${v}<br>%{x}<br>sparsity %{y:.1%}<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? 'Activation sparsity per layer'),
      barmode: 'group',
      xaxis: axis('layer', { type: 'category' }),
      // Zoomed to the data (from 0, so bar heights still compare): dead fractions under 25% are readable.
      yaxis: axis(opts.yLabel ?? 'sparsity (fraction of zeros)', { range: fractionRange(rows.map((r) => r.sparsity + (r.error ?? 0))), tickformat: '.0%' }),
      width: figureWidth(300 + 90 * layers.length * Math.max(1, variants.length / 2)),
      height: 480,
    },
  };
}

import { PlotInputError } from './errors';
import type { Figure, Layout, PlotlyTrace } from './figure';
import { axis, baseLayout, figureWidth, gridShape, subplotAxes, subplotTitle } from './layout';
import { sequentialColors, variantColors } from './palette';
import { nonEmpty, numbers, str, uniqueInOrder } from './validate';

/** The fraction of a layer's units that were dead (never positive on the probe set) at each epoch. */
export interface DeadUnitsSeries {
  layer: string;
  epochs: number[];
  fraction: number[];
  /** Set when comparing variants; omit for a single model. */
  variant?: string;
}

export interface DeadUnitsOptions {
  /** `lines`: one line per layer (default); `heatmap`: layer x epoch, one panel per variant. */
  mode?: 'lines' | 'heatmap';
  title?: string;
  /** Heatmap panels per row (default up to 3). */
  columns?: number;
}

const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];

/**
 * The fraction of dead units per layer over epochs: one line per layer (and variant, dashed per variant), or one
 * layer x epoch heatmap per variant.
 *
 * @param series per layer (and variant, when comparing), the epochs and the dead fraction in [0, 1] at each
 * @param opts `lines` (default) or `heatmap`, title, and heatmap panels per row (default up to 3)
 */
export function deadUnitsFigure(series: DeadUnitsSeries[], opts: DeadUnitsOptions = {}): Figure {
  nonEmpty(series, 'series', 'layer series');
  series.forEach((s, i) => {
    str(s?.layer, `series[${i}].layer`);
    const e = numbers(s.epochs, `series[${i}].epochs`, undefined, 'epochs');
    const f = numbers(s.fraction, `series[${i}].fraction`, e.length, 'fractions (one per epoch)');
    const bad = f.findIndex((v) => Number.isFinite(v) && (v < 0 || v > 1));
    if (bad >= 0) throw new PlotInputError(`series[${i}].fraction[${bad}]`, 'a fraction in [0, 1]', String(f[bad]));
  });
  const title = opts.title ?? 'Dead units per layer';
  return (opts.mode ?? 'lines') === 'heatmap' ? heatmap(series, title, opts.columns) : lines(series, title);
}

function lines(series: DeadUnitsSeries[], title: string): Figure {
  const layers = uniqueInOrder(series.map((s) => s.layer));
  const variants = uniqueInOrder(series.map((s) => s.variant ?? ''));
  const multi = variants.length > 1;
  // One model: layers are told apart by an ordered color scale. Several variants: the color
  // says which variant (as everywhere else) and the dash says which layer.
  const layerColor = sequentialColors(layers.length);
  const vColor = variantColors(variants);
  const data: PlotlyTrace[] = series.map((s) => {
    const li = layers.indexOf(s.layer);
    const v = s.variant ?? '';
    return {
      type: 'scatter',
      mode: s.epochs.length === 1 ? 'markers' : 'lines+markers',
      name: multi ? `${v} · ${s.layer}` : s.layer,
      legendgroup: multi ? v : s.layer,
      x: Array.from(s.epochs),
      y: Array.from(s.fraction),
      line: multi ? { color: vColor.get(v), dash: DASHES[li % DASHES.length], width: 2 } : { color: layerColor[li], width: 2 },
      marker: { size: 5, color: multi ? vColor.get(v) : layerColor[li] },
      hovertemplate: `${multi ? v + ' · ' : ''}${s.layer}<br>epoch %{x}<br>dead %{y:.1%}<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      ...baseLayout(title),
      xaxis: axis('epoch'),
      yaxis: axis('dead units (fraction)', { range: [0, 1.02], tickformat: '.0%' }),
      width: 800,
      height: 500,
    },
  };
}

/**
 * The heatmap's colour range, from the data: its smallest and largest fraction (a span of at least 1%), so
 * fractions under 25% use the whole scale instead of its first quarter; the colourbar says what the colours mean.
 */
export function heatmapRange(series: DeadUnitsSeries[]): { cmin: number; cmax: number; format: string } {
  const z = series.flatMap((s) => Array.from(s.fraction).filter((v) => Number.isFinite(v)));
  let [cmin, cmax] = z.length ? [Math.min(...z), Math.max(...z)] : [0, 1];
  if (cmax - cmin < 0.01) [cmin, cmax] = cmin + 0.01 <= 1 ? [cmin, cmin + 0.01] : [cmax - 0.01, cmax];
  return { cmin, cmax, format: cmax - cmin < 0.1 ? '.1%' : '.0%' };
}

function heatmap(series: DeadUnitsSeries[], title: string, columns?: number): Figure {
  const variants = uniqueInOrder(series.map((s) => s.variant ?? ''));
  const { rows, columns: cols } = gridShape(variants.length, columns);
  const range = heatmapRange(series);
  const layout: Partial<Layout> = {
    ...baseLayout(title),
    grid: { rows, columns: cols, pattern: 'independent' },
    // ColorBrewer Reds from white: the least dead cell reads as empty paper, the most as dark red.
    coloraxis: {
      cmin: range.cmin,
      cmax: range.cmax,
      showscale: true,
      colorscale: [
        [0, '#ffffff'],
        [0.35, '#fcbba1'],
        [0.7, '#fb6a4a'],
        [1, '#a50f15'],
      ],
      colorbar: { title: { text: 'dead' }, tickformat: range.format },
    },
    annotations: [],
    width: figureWidth(520 * cols + 100),
    height: 140 + 360 * rows,
  };
  const data: PlotlyTrace[] = variants.map((v, k) => {
    const mine = series.filter((s) => (s.variant ?? '') === v);
    const layers = uniqueInOrder(mine.map((s) => s.layer));
    const epochs = [...new Set(mine.flatMap((s) => Array.from(s.epochs)))].sort((a, b) => a - b);
    const z = layers.map((layer) => {
      const row: (number | null)[] = epochs.map(() => null);
      for (const s of mine.filter((m) => m.layer === layer)) {
        s.epochs.forEach((e, i) => (row[epochs.indexOf(e)] = Number.isFinite(s.fraction[i]) ? s.fraction[i] : null));
      }
      return row;
    });
    const ax = subplotAxes(k);
    layout[ax.xKey] = axis('epoch');
    // First layer at the top, as in a network diagram.
    layout[ax.yKey] = axis('layer', { type: 'category', autorange: 'reversed', showgrid: false });
    if (variants.length > 1 || v) layout.annotations!.push(subplotTitle(k, v || 'model'));
    return {
      type: 'heatmap',
      name: v || 'dead units',
      x: epochs,
      y: layers,
      z,
      coloraxis: 'coloraxis',
      xaxis: ax.x,
      yaxis: ax.y,
      xgap: 1,
      ygap: 1,
      // Numbers in the cells while they fit.
      ...(layers.length * epochs.length <= 120 ? { texttemplate: `%{z:${range.format}}`, textfont: { size: 10 } } : {}),
      hovertemplate: `${v ? v + '<br>' : ''}layer %{y}<br>epoch %{x}<br>dead %{z:.1%}<extra></extra>`,
    };
  });
  return { data, layout };
}

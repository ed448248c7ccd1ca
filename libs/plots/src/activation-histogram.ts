import { PlotInputError } from './errors';
import type { Figure, Layout, PlotlyTrace } from './figure';
import { axis, baseLayout, figureWidth, gridShape, subplotAxes, subplotTitle } from './layout';
import { variantColors } from './palette';
import { nonEmpty, numbers, str, uniqueInOrder } from './validate';

/** Per-unit probability of being positive (over a probe set) for one layer. */
export interface ActivationProbabilities {
  layer: string;
  probabilities: number[];
  variant?: string;
}

export interface ActivationHistogramOptions {
  /** Number of equal-width bins on [0, 1] (default 20). */
  bins?: number;
  /** `fraction` of units per bin (default; comparable across layer widths) or raw `count`. */
  normalize?: 'fraction' | 'count';
  columns?: number;
  title?: string;
}

/** Counts of `ps` in `bins` equal bins on [0, 1]; the last bin is closed so p = 1 is counted. */
export function histogramCounts(ps: number[], bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const p of ps) {
    if (!Number.isFinite(p)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]++;
  }
  return counts;
}

/**
 * One panel per layer: how the layer's units split between never active (p = 0, dead),
 * always active (p = 1, linear) and in between. Variants are overlaid in their colors;
 * each panel's title counts the units with p = 0 per variant.
 *
 * @param layers per layer (and variant, when comparing), each unit's probability of a positive pre-activation, in
 *   [0, 1]; panels follow the layers' first appearance
 * @param opts bins on [0, 1] (default 20), `fraction` (default) or `count` of units per bin, panels per row, title
 */
export function activationHistogram(layers: ActivationProbabilities[], opts: ActivationHistogramOptions = {}): Figure {
  const bins = opts.bins ?? 20;
  validateLayers(layers, bins);
  const names = uniqueInOrder(layers.map((l) => l.layer));
  const variants = uniqueInOrder(layers.map((l) => l.variant ?? ''));
  const fraction = (opts.normalize ?? 'fraction') === 'fraction';
  const { rows, columns } = gridShape(names.length, opts.columns);
  const layout: Partial<Layout> = {
    ...baseLayout(opts.title ?? 'Probability of a unit being active'),
    // Room for the two-line panel titles of the first row below the figure title.
    margin: { l: 70, r: 30, t: 115, b: 60 },
    grid: { rows, columns, pattern: 'independent' },
    barmode: 'overlay',
    bargap: 0.05,
    annotations: [],
    width: figureWidth(420 * columns + 120),
    height: 130 + 320 * rows,
  };
  const panel = { bins, fraction, variants, colors: variantColors(variants), inLegend: new Set<string>() };
  const data: PlotlyTrace[] = [];
  names.forEach((name, k) => {
    const ax = subplotAxes(k);
    layout[ax.xKey] = axis('P(unit > 0)', { range: [0, 1] });
    layout[ax.yKey] = axis(fraction ? 'fraction of units' : 'units', fraction ? { tickformat: '.0%' } : {});
    const { traces, dead } = layerPanel(layers, name, ax, panel);
    data.push(...traces);
    layout.annotations!.push(subplotTitle(k, name, `dead (p = 0): ${dead.join(' · ')}`));
  });
  return { data, layout };
}

function validateLayers(layers: ActivationProbabilities[], bins: number): void {
  nonEmpty(layers, 'layers', 'layer');
  if (!Number.isInteger(bins) || bins < 1) throw new PlotInputError('opts.bins', 'a positive integer', String(bins));
  layers.forEach((l, i) => {
    str(l?.layer, `layers[${i}].layer`);
    const ps = numbers(l.probabilities, `layers[${i}].probabilities`, undefined, 'probabilities');
    const bad = ps.findIndex((p) => Number.isFinite(p) && (p < 0 || p > 1));
    if (bad >= 0) throw new PlotInputError(`layers[${i}].probabilities[${bad}]`, 'a probability in [0, 1]', String(ps[bad]));
  });
}

interface PanelStyle {
  bins: number;
  fraction: boolean;
  variants: string[];
  colors: Map<string, string>;
  /** Variants already given a legend entry (each appears once across panels). */
  inLegend: Set<string>;
}

/** One layer's panel: a histogram per variant, and the per-variant dead-unit counts for its title. */
function layerPanel(
  layers: ActivationProbabilities[],
  name: string,
  ax: ReturnType<typeof subplotAxes>,
  style: PanelStyle,
): { traces: PlotlyTrace[]; dead: string[] } {
  const { bins, fraction, variants, colors, inLegend } = style;
  const width = 1 / bins;
  const centers = Array.from({ length: bins }, (_, b) => (b + 0.5) * width);
  const traces: PlotlyTrace[] = [];
  const dead: string[] = [];
  for (const v of variants) {
    const l = layers.find((x) => x.layer === name && (x.variant ?? '') === v);
    if (!l) continue;
    const ps = Array.from(l.probabilities);
    const counts = histogramCounts(ps, bins);
    const n = ps.filter(Number.isFinite).length;
    const d = ps.filter((p) => p === 0).length;
    dead.push(`${variants.length > 1 ? v + ' ' : ''}${d}/${n}`);
    traces.push({
      type: 'bar',
      name: v || name,
      legendgroup: v || name,
      showlegend: variants.length > 1 && !inLegend.has(v),
      x: centers,
      y: fraction ? counts.map((c) => (n ? c / n : 0)) : counts,
      width,
      marker: { color: colors.get(v), opacity: variants.length > 1 ? 0.55 : 0.85 },
      xaxis: ax.x,
      yaxis: ax.y,
      customdata: counts,
      hovertemplate: `${v ? v + '<br>' : ''}${name}<br>p ≈ %{x:.3f}<br>%{customdata} units<extra></extra>`,
    });
    inLegend.add(v);
  }
  return { traces, dead };
}

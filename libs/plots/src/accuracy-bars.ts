import { PlotInputError } from './errors';
import type { Figure, PlotlyTrace } from './figure';
import { axis, baseLayout, figureWidth } from './layout';
import { variantColors } from './palette';
import { nonEmpty, numbers, str } from './validate';

/** One variant's summary: mean and (optionally) a confidence interval and the per-seed values. */
export interface AccuracyRow {
  variant: string;
  mean: number;
  /** Lower and upper ends of the interval drawn as the error bar (e.g. the 95% CI). */
  low?: number;
  high?: number;
  /** Per-seed values, drawn as points over the bar. */
  values?: number[];
}

export interface AccuracyBarsOptions {
  /** What the numbers are (default `test accuracy`). */
  metric?: string;
  /** Names the interval in the hover text (default `95% CI`). */
  interval?: string;
  title?: string;
  /** Fix the y range (default: `accuracyRange(rows)`, zoomed to the data). */
  yRange?: [number, number];
  /** Bars from zero instead of the zoomed range (default false: 0.81 and 0.83 would look the same). */
  fromZero?: boolean;
  /** Show values as percentages (the numbers are fractions in [0, 1]). */
  percent?: boolean;
}

/**
 * One bar per variant (its color) with an asymmetric error bar for the interval and the seeds
 * as points. The x axis is numeric with the variants as tick labels so that seed points can be
 * spread sideways instead of piling up.
 *
 * @param rows one row per variant, in bar order: its mean, optional interval ends and per-seed values (fractions in
 *   [0, 1] when `percent` is set); at least one
 * @param opts the metric's name (default `test accuracy`), the interval's name, title, a fixed y range or bars from
 *   zero (default: zoomed by `accuracyRange`), and percentages
 */
export function accuracyBars(rows: AccuracyRow[], opts: AccuracyBarsOptions = {}): Figure {
  validateRows(rows);
  const metric = opts.metric ?? 'test accuracy';
  const interval = opts.interval ?? '95% CI';
  const pos = rows.map((_, i) => i);
  const hasCI = rows.some((r) => r.low !== undefined);
  const fmt = opts.percent ? '.2%' : '.4g';
  const data: PlotlyTrace[] = [meanBars(rows, metric, interval, fmt), ...seedPoints(rows, fmt)];
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? `${metric} per variant`),
      xaxis: axis('', { tickvals: pos, ticktext: rows.map((r) => r.variant), range: [-0.6, rows.length - 0.4], zeroline: false, showgrid: false }),
      yaxis: axis(metric + (hasCI ? ` (mean, ${interval})` : ' (mean)'), {
        ...(opts.fromZero && !opts.yRange ? {} : { range: opts.yRange ?? accuracyRange(rows) }),
        ...(opts.percent ? { tickformat: '.1%' } : {}),
      }),
      width: figureWidth(260 + 110 * rows.length),
      height: 480,
    },
  };
}

/**
 * The y range of an accuracy chart, the one place it is chosen (the report and the notebooks both draw
 * `accuracyBars` with it): every mean, interval end and seed value, with 15% of their span (at least 0.01) on
 * either side, kept inside [0, 1] when the numbers are fractions.
 *
 * @param rows the rows `accuracyBars` draws; their means, interval ends and seed values set the range
 */
export function accuracyRange(rows: AccuracyRow[]): [number, number] {
  validateRows(rows);
  const all = rows.flatMap((r) => [r.mean, r.low ?? r.mean, r.high ?? r.mean, ...(r.values ?? [])]).filter((v) => Number.isFinite(v));
  if (!all.length) return [0, 1];
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const pad = Math.max(0.15 * (hi - lo), 0.01);
  const fractions = lo >= 0 && hi <= 1;
  return [fractions ? Math.max(0, lo - pad) : lo - pad, fractions ? Math.min(1, hi + pad) : hi + pad];
}

function validateRows(rows: AccuracyRow[]): void {
  nonEmpty(rows, 'rows', 'row');
  rows.forEach((r, i) => {
    str(r?.variant, `rows[${i}].variant`);
    if (typeof r.mean !== 'number') throw new PlotInputError(`rows[${i}].mean`, 'a number', String(r.mean));
    if ((r.low === undefined) !== (r.high === undefined)) {
      throw new PlotInputError(`rows[${i}]`, 'both low and high, or neither', `only ${r.low === undefined ? 'high' : 'low'}`);
    }
    if (r.values !== undefined) numbers(r.values, `rows[${i}].values`);
  });
}

/** The bars of the means, in the variants' colors, with the interval as an asymmetric error bar where given. */
function meanBars(rows: AccuracyRow[], metric: string, interval: string, fmt: string): PlotlyTrace {
  const colors = variantColors(rows.map((r) => r.variant));
  const hasCI = rows.some((r) => r.low !== undefined);
  return {
    type: 'bar',
    name: metric,
    x: rows.map((_, i) => i),
    y: rows.map((r) => r.mean),
    marker: { color: rows.map((r) => colors.get(r.variant)!), opacity: 0.85 },
    showlegend: false,
    width: 0.6,
    text: rows.map((r) => r.variant),
    ...(hasCI
      ? {
          error_y: {
            type: 'data',
            symmetric: false,
            array: rows.map((r) => (r.high !== undefined ? r.high - r.mean : 0)),
            arrayminus: rows.map((r) => (r.low !== undefined ? r.mean - r.low : 0)),
            visible: true,
            color: '#222',
            thickness: 1.5,
            width: 6,
          },
        }
      : {}),
    customdata: rows.map((r) => [r.low ?? null, r.high ?? null]),
    hovertemplate: hasCI
      ? `%{text}<br>mean %{y:${fmt}}<br>${interval} [%{customdata[0]:${fmt}}, %{customdata[1]:${fmt}}]<extra></extra>`
      : `%{text}<br>mean %{y:${fmt}}<extra></extra>`,
    textposition: 'none',
  };
}

/** One scatter of per-seed points for each row that has values. */
function seedPoints(rows: AccuracyRow[], fmt: string): PlotlyTrace[] {
  const traces: PlotlyTrace[] = [];
  rows.forEach((r, i) => {
    if (!r.values?.length) return;
    const n = r.values.length;
    // A deterministic spread in the bar's right half, clear of the error bar at its center.
    const xs = r.values.map((_, j) => i + (n === 1 ? 0.16 : 0.08 + (0.17 * j) / (n - 1)));
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: `${r.variant} seeds`,
      showlegend: false,
      x: xs,
      y: Array.from(r.values),
      marker: { color: '#111', size: 6, opacity: 0.75, symbol: 'circle-open' },
      hovertemplate: `${r.variant}<br>seed value %{y:${fmt}}<extra></extra>`,
    });
  });
  return traces;
}

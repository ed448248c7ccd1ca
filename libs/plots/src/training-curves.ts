import type { Figure, PlotlyTrace } from './figure';
import { axis, baseLayout } from './layout';
import { variantColors, withAlpha } from './palette';
import { seedStats } from './seed-stats';
import { nonEmpty, numbers, str, uniqueInOrder } from './validate';

/** One seed of one variant: a metric per epoch. */
export interface TrainingRun {
  variant: string;
  seed: number | string;
  epochs: number[];
  values: number[];
}

export type BandKind = 'minmax' | 'std' | 'none';

export interface TrainingCurvesOptions {
  /** What `values` are (e.g. `test accuracy`); labels the y axis. */
  metric: string;
  /** Shaded band around the mean over seeds (default `minmax`); drawn only where a variant has >= 2 seeds. */
  band?: BandKind;
  title?: string;
  xLabel?: string;
  logY?: boolean;
}

/**
 * Learning curves, one color per variant: the mean over seeds as a line and the spread over
 * seeds as a shaded band (one closed `toself` polygon per variant, listed before its line).
 *
 * @param runs one per variant and seed: the metric's value at each epoch
 * @param opts the required `metric` (names the y axis), the band (`minmax` default, `std` or `none`), title, x axis
 *   label and a log y axis
 */
export function trainingCurves(runs: TrainingRun[], opts: TrainingCurvesOptions): Figure {
  nonEmpty(runs, 'runs', 'run');
  const band = opts.band ?? 'minmax';
  runs.forEach((r, i) => {
    str(r?.variant, `runs[${i}].variant`);
    const e = numbers(r.epochs, `runs[${i}].epochs`, undefined, 'epochs');
    numbers(r.values, `runs[${i}].values`, e.length, 'values (one per epoch)');
  });
  const variants = uniqueInOrder(runs.map((r) => r.variant));
  const colors = variantColors(variants);
  const data: PlotlyTrace[] = [];
  for (const v of variants) {
    const mine = runs.filter((r) => r.variant === v);
    const s = seedStats(mine.map((r) => ({ x: Array.from(r.epochs), y: Array.from(r.values) })));
    const color = colors.get(v)!;
    const seeds = new Set(mine.map((r) => r.seed)).size;
    if (band !== 'none' && seeds > 1) {
      const upper = band === 'std' ? s.mean.map((m, i) => m + s.std[i]) : s.max;
      const lower = band === 'std' ? s.mean.map((m, i) => m - s.std[i]) : s.min;
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${v} (${band === 'std' ? 'mean ± std' : 'min–max'})`,
        legendgroup: v,
        showlegend: false,
        x: [...s.x, ...[...s.x].reverse()],
        y: [...upper, ...[...lower].reverse()],
        fill: 'toself',
        fillcolor: withAlpha(color, 0.2),
        line: { width: 0, color },
        hoverinfo: 'skip',
        meta: { role: 'band', variant: v },
      });
    }
    data.push({
      type: 'scatter',
      mode: s.x.length === 1 ? 'markers' : 'lines',
      name: seeds > 1 ? `${v} (${seeds} seeds)` : v,
      legendgroup: v,
      x: s.x,
      y: s.mean,
      line: { color, width: 2 },
      marker: { color },
      customdata: s.n,
      hovertemplate: `${v}<br>epoch %{x}<br>mean %{y:.4g}<br>seeds %{customdata}<extra></extra>`,
      meta: { role: 'mean', variant: v },
    });
  }
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? opts.metric),
      xaxis: axis(opts.xLabel ?? 'epoch'),
      yaxis: axis(opts.metric, opts.logY ? { type: 'log' } : {}),
      hovermode: 'closest',
      width: 800,
      height: 500,
    },
  };
}

import { accuracyBars, assignVariantColors, deadUnitsFigure, sparsityFigure, trainingCurves, type Figure } from '@sugar-lab/plots';
import { isFractionMetric } from './metric-interval';
import type { SweepResults } from './report-load';
import type { ReportTables } from './report-tables';
import type { RunSummary } from './store';

export interface NamedFigure {
  name: string;
  fig: Figure;
}

type Row = Record<string, number | string | null>;

// Figures show what the tables average: completed runs.
const completed = (r: SweepResults) => r.summaries.filter((s) => s.status === 'completed');

function metricBars(r: SweepResults, runs: RunSummary[], rows: Row[]): NamedFigure[] {
  const metric = r.spec.metric;
  const bars = rows
    .filter((v) => typeof v[`${metric}_mean`] === 'number')
    .map((v) => ({
      variant: String(v.variant),
      mean: v[`${metric}_mean`] as number,
      low: (v[`${metric}_ci_lo`] as number | null) ?? undefined,
      high: (v[`${metric}_ci_hi`] as number | null) ?? undefined,
      values: runs.filter((s) => s.variant === v.variant && typeof s.final[metric] === 'number').map((s) => s.final[metric] as number),
    }));
  // The same interval as the tables (metric-interval.ts), named as such; the y axis is zoomed by accuracyBars.
  const interval = isFractionMetric(metric) ? '95% Wilson interval' : '95% Student-t CI';
  return bars.length
    ? [{ name: 'metric-by-variant', fig: accuracyBars(bars, { metric, interval, title: `${metric} per variant (mean, ${interval}, seeds)` }) }]
    : [];
}

function curve(r: SweepResults, runs: RunSummary[], key: string, title: string): NamedFigure[] {
  const series = runs
    .map((s) => {
      const pts = (r.curves.get(s.id) ?? []).filter((p) => Number.isFinite(p.scalars[key]));
      return { variant: s.variant, seed: s.seed, epochs: pts.map((p) => p.epoch), values: pts.map((p) => p.scalars[key]) };
    })
    .filter((x) => x.epochs.length > 0);
  return series.length ? [{ name: `curve-${key}`, fig: trainingCurves(series, { metric: key, title, band: 'minmax' }) }] : [];
}

function layerBars(layerRows: Row[]): NamedFigure[] {
  const bars = (key: 'deadFraction' | 'sparsity') => layerRows.map((l) => ({ variant: String(l.variant), layer: String(l.layer), sparsity: Number(l[key]) }));
  return [
    {
      name: 'dead-by-layer',
      fig: sparsityFigure(bars('deadFraction'), { title: 'dead-unit fraction per layer at the end of training (mean over seeds)', yLabel: 'dead fraction' }),
    },
    { name: 'sparsity-by-layer', fig: sparsityFigure(bars('sparsity'), { title: 'activation sparsity per layer at the end of training (mean over seeds)' }) },
  ];
}

// Dead units per layer over epochs: mean over seeds, one heatmap panel per variant.
function deadUnitsOverEpochs(r: SweepResults, runs: RunSummary[]): NamedFigure[] {
  const series = new Map<string, { layer: string; variant: string; byEpoch: Map<number, number[]> }>();
  for (const s of runs) {
    for (const p of r.curves.get(s.id) ?? []) {
      for (const l of p.layers) {
        const key = `${s.variant}\u0000${l.layer}`;
        const e = series.get(key) ?? { layer: l.layer, variant: s.variant, byEpoch: new Map<number, number[]>() };
        e.byEpoch.set(p.epoch, [...(e.byEpoch.get(p.epoch) ?? []), l.deadFraction]);
        series.set(key, e);
      }
    }
  }
  if (!series.size) return [];
  const traces = [...series.values()].map((e) => {
    const epochs = [...e.byEpoch.keys()].sort((a, b) => a - b);
    const meanAt = (ep: number) => e.byEpoch.get(ep)!.reduce((a, b) => a + b, 0) / e.byEpoch.get(ep)!.length;
    return { layer: e.layer, variant: e.variant, epochs, fraction: epochs.map(meanAt) };
  });
  return [
    { name: 'dead-units-over-epochs', fig: deadUnitsFigure(traces, { mode: 'heatmap', title: 'dead-unit fraction per layer over epochs (mean over seeds)' }) },
  ];
}

/**
 * The report's figures, in page order, over completed runs (as the tables).
 *
 * @param r the loaded results directory (`loadResults`): its spec, run summaries and variant order
 * @param tables the tables `reportTables(r)` made; the accuracy bars and layer figures are drawn from them
 */
export function reportFigures(r: SweepResults, tables: ReportTables): NamedFigure[] {
  assignVariantColors(r.variants); // spec order, so the baseline keeps its color across figures
  const runs = completed(r);
  const metric = r.spec.metric;
  const layerRows = tables.layers.toRecords() as Row[];
  return [
    ...metricBars(r, runs, tables.variants.toRecords() as Row[]),
    ...curve(r, runs, metric, `${metric} over epochs (mean and min-max over seeds)`),
    ...curve(r, runs, 'trainLoss', 'training loss over epochs'),
    ...curve(r, runs, 'deadFraction', 'dead-unit fraction over epochs (all activation layers)'),
    ...(layerRows.length ? [...layerBars(layerRows), ...deadUnitsOverEpochs(r, runs)] : []),
  ];
}

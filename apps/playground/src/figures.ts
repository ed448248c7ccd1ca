// The page's figures, built by @sugar-lab/plots from the runs' histories (plain plotly.js JSON), plus the one plots
// does not have: the decision boundary of each run over the input plane, with the training points.
import type { Split } from '@sugar-lab/datasets';
import { deadUnitsFigure, trainingCurves, type DeadUnitsSeries, type Figure, type PlotlyTrace } from '@sugar-lab/plots';
import type { DecisionGrid } from './boundary';
import type { RunHistory } from './session';

const LOSS_POINTS = 400;

/** Every run's training loss by step (averaged over buckets past LOSS_POINTS steps, so long runs draw fast). */
export function lossFigure(runs: RunHistory[]): Figure {
  const started = runs.filter((r) => r.losses.length > 0);
  if (!started.length) return { data: [], layout: { title: { text: 'training loss' } } };
  const fig = trainingCurves(
    started.map((r) => {
      const every = Math.max(1, Math.ceil(r.losses.length / LOSS_POINTS));
      const steps: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < r.losses.length; i += every) {
        const chunk = r.losses.slice(i, i + every);
        steps.push(i + chunk.length);
        values.push(chunk.reduce((a, b) => a + b, 0) / chunk.length);
      }
      return { variant: r.label, seed: 0, epochs: steps, values };
    }),
    { metric: 'training loss', xLabel: 'step', logY: true, title: 'Training loss' },
  );
  return compact(fig);
}

/** Every run's test accuracy at each epoch's end, by step. */
export function accuracyFigure(runs: RunHistory[]): Figure {
  const started = runs.filter((r) => r.epochs.some((e) => e.evalAcc !== null));
  if (!started.length) return { data: [], layout: { title: { text: 'test accuracy' } } };
  const fig = trainingCurves(
    started.map((r) => {
      const e = r.epochs.filter((m) => m.evalAcc !== null);
      return { variant: r.label, seed: 0, epochs: e.map((m) => m.step), values: e.map((m) => m.evalAcc!) };
    }),
    { metric: 'test accuracy', xLabel: 'step', title: 'Test accuracy' },
  );
  return compact(fig);
}

/** Dead units per layer (rows) over steps (columns), one panel per run. */
export function deadFigure(runs: RunHistory[]): Figure {
  const series: DeadUnitsSeries[] = [];
  for (const r of runs) {
    const probed = r.epochs.filter((e) => e.probes);
    if (!probed.length) continue;
    for (const layer of probed[0].probes!.layers.map((l) => l.layer))
      series.push({
        variant: r.label,
        layer,
        epochs: probed.map((e) => e.step),
        fraction: probed.map((e) => e.probes!.layers.find((l) => l.layer === layer)?.deadFraction ?? NaN),
      });
  }
  if (!series.length) return { data: [], layout: { title: { text: 'dead units' } } };
  const fig = deadUnitsFigure(series, { mode: 'heatmap', title: 'Dead units per layer, by step', columns: Math.min(runs.length, 2) });
  for (const key of Object.keys(fig.layout)) if (/^xaxis\d*$/.test(key)) (fig.layout as Record<string, { title?: unknown }>)[key].title = { text: 'step' };
  return compact(fig);
}

/**
 * Each run's predicted class over the input plane (a heatmap) under the training points, one panel per run.
 *
 * @param runs the runs, in the grids' order
 * @param grids each run's decision grid
 * @param train the training split (2-D inputs)
 */
export function boundaryFigure(runs: RunHistory[], grids: DecisionGrid[], train: Split): Figure {
  const colors = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d'];
  const k = train.numClasses;
  const scale = Array.from({ length: k }, (_, c) => [
    [c / k, colors[c % colors.length]],
    [(c + 1) / k, colors[c % colors.length]],
  ]).flat();
  const shown = Math.min(train.length, 400);
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: 'Decision boundary (predicted class over the input plane)' },
    grid: { rows: 1, columns: grids.length, pattern: 'independent' },
    showlegend: false,
    margin: { l: 30, r: 10, t: 60, b: 30 },
    annotations: [] as unknown[],
  };
  grids.forEach((g, i) => {
    const ax = i === 0 ? '' : String(i + 1);
    data.push({
      type: 'heatmap',
      x: g.xs,
      y: g.ys,
      z: g.z,
      zmin: -0.5,
      zmax: k - 0.5,
      colorscale: scale,
      opacity: 0.45,
      showscale: false,
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      hoverinfo: 'skip',
    });
    data.push({
      type: 'scattergl',
      mode: 'markers',
      x: Array.from({ length: shown }, (_, s) => train.x[2 * s] * train.scale),
      y: Array.from({ length: shown }, (_, s) => train.x[2 * s + 1] * train.scale),
      marker: { size: 4, color: Array.from(train.y.subarray(0, shown), (c) => colors[c % colors.length]), line: { width: 0.5, color: '#222' } },
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      hoverinfo: 'skip',
    });
    layout[`xaxis${ax}`] = { showticklabels: false, zeroline: false, range: [g.xs[0], g.xs[g.xs.length - 1]] };
    layout[`yaxis${ax}`] = { showticklabels: false, zeroline: false, range: [g.ys[0], g.ys[g.ys.length - 1]], scaleanchor: `x${ax}` };
    (layout.annotations as unknown[]).push({
      text: runs[i].label,
      showarrow: false,
      xref: `x${ax} domain`,
      yref: `y${ax} domain`,
      x: 0.5,
      y: 1.08,
      font: { size: 12 },
    });
  });
  return { data, layout: layout };
}

/** A figure sized by its box on the page: no fixed width or height, tighter margins, the legend at its foot. */
export function compact(fig: Figure): Figure {
  const { width: _w, height: _h, ...layout } = fig.layout as Figure['layout'] & { width?: number; height?: number };
  // A legend in rows at the foot of the box, under the x axis title (in the plot's own coordinates it lands on it).
  const legend = layout.showlegend === false ? {} : { legend: { ...(layout.legend ?? {}), yref: 'container', y: 0, yanchor: 'bottom' } };
  return { data: fig.data, layout: { ...layout, ...legend, margin: { l: 55, r: 10, t: 50, b: layout.showlegend === false ? 45 : 75 } } };
}

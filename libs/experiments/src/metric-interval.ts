import { fractionInterval, mean, std, studentTQuantile } from '@sugar-lab/analysis';
import type { RunSummary } from './store';

/**
 * Metrics that are fractions (of test samples, of units, of activations): their intervals must stay in [0, 1],
 * which a Student-t interval does not (0.0081 [-0.0099, 0.0261] for a dead fraction over three seeds).
 */
export function isFractionMetric(metric: string): boolean {
  return /Accuracy$/.test(metric) || ['deadFraction', 'deadFractionInit', 'sparsity'].includes(metric);
}

/** How the report's intervals are made, in words (the report's notes and docs/sweeps.md say the same). */
export const INTERVAL_NOTE =
  'fractions (accuracies, dead fraction, sparsity) get a Wilson score interval at the runs\u2019 effective sample size, which stays inside [0, 1]; every other metric a Student-t interval over seeds';

/** Units a run's dead fraction is over (the sum of its activation layers' units), when its summary records them. */
export function unitsOf(s: RunSummary): number | undefined {
  const layers = s.final?.layers;
  if (!Array.isArray(layers) || !layers.length) return undefined;
  const units = (layers as { units?: unknown }[]).map((l) => l.units);
  return units.every((u): u is number => typeof u === 'number' && u > 0) ? units.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * The 95% interval of a metric's mean over runs: for a fraction, the Wilson score interval at the runs'
 * effective sample size (analysis `fractionInterval`; for dead fractions the units pooled over runs bound it);
 * otherwise Student t. Undefined where no interval can be made (one run, or a fraction outside [0, 1]).
 */
export function metricInterval(metric: string, runs: RunSummary[]): { lo: number; hi: number } | undefined {
  const values = runs.map((s) => s.final[metric] as number);
  if (isFractionMetric(metric) && values.every((v) => v >= 0 && v <= 1)) {
    const units = metric.startsWith('deadFraction') ? runs.map(unitsOf) : [];
    const trials = units.length && units.every((u) => u !== undefined) ? units : undefined;
    const ci = fractionInterval(values, { trials });
    return ci && { lo: ci.lo, hi: ci.hi };
  }
  if (values.length < 2) return undefined;
  const half = studentTQuantile(0.975, values.length - 1) * (std(values) / Math.sqrt(values.length));
  const mu = mean(values);
  return { lo: mu - half, hi: mu + half };
}

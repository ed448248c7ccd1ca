import type { RunConfig } from './run-config';

/**
 * The scalar metrics a run's summary (`final`) can hold: the last epoch's train/eval numbers and probe
 * summaries (run-one's `epochScalars`), the probe totals, and the landscape probe's scalars.
 */
export const KNOWN_METRICS = [
  'testAccuracy',
  'testLoss',
  'valAccuracy',
  'valLoss',
  'trainAccuracy',
  'trainLoss',
  'deadFraction',
  'deadFractionInit',
  'sparsity',
  'resurrected',
  'resurrectedTotal',
  'sharpness',
  'hessianTop',
  'hessianMin',
  'convexityRatio',
  'landscapeSeconds',
] as const;

export type MetricName = (typeof KNOWN_METRICS)[number];

const LANDSCAPE_METRICS: readonly MetricName[] = ['sharpness', 'hessianTop', 'hessianMin', 'convexityRatio', 'landscapeSeconds'];
const PROBE_METRICS: readonly MetricName[] = ['deadFraction', 'deadFractionInit', 'sparsity', 'resurrected'];

/** The split a run evaluates on each epoch, as `fit` picks it (the default is 'val' when the data has one). */
function evalSplit(cfg: RunConfig): 'val' | 'test' | 'none' {
  if (cfg.eval?.split) return cfg.eval.split;
  return typeof cfg.dataset.validation === 'number' && cfg.dataset.validation > 0 ? 'val' : 'test';
}

/** The metrics a run of `cfg` measures, so a spec's `metric:` can be checked before anything trains. */
export function metricsOf(cfg: RunConfig): MetricName[] {
  const split = evalSplit(cfg);
  const out: MetricName[] = ['trainAccuracy', 'trainLoss', 'resurrectedTotal'];
  if (split !== 'none') out.push(`${split}Accuracy`, `${split}Loss`);
  if (cfg.probes?.enabled !== false) out.push(...PROBE_METRICS);
  if (cfg.landscape?.enabled) out.push(...LANDSCAPE_METRICS);
  return KNOWN_METRICS.filter((m) => out.includes(m));
}

// What TensorBoard shows of an epoch record: one tag per number of metrics.jsonl's line, step = the epoch.
import type { LayerUnitStats } from '@sugar-lab/analysis';
import type { EpochMetrics } from './metrics';
import { histogramOf, type Histogram, type SummaryValue } from './tensorboard-events';

/** Buckets of the activation-probability histograms: twenty of width 0.05 over [0, 1] (1 itself in the last). */
export const PROBABILITY_LIMITS: readonly number[] = [...Array.from({ length: 19 }, (_, k) => (k + 1) / 20), Number.MAX_VALUE];

/** The per-unit activation probabilities of each probed layer, as histograms. */
export function activationHistograms(units: readonly { layer: string; activationProb: ArrayLike<number> }[]): { tag: string; histogram: Histogram }[] {
  return units.map((u) => ({ tag: `activation_probability/${u.layer}`, histogram: histogramOf(u.activationProb, PROBABILITY_LIMITS) }));
}

function scalars(m: EpochMetrics): SummaryValue[] {
  const out: SummaryValue[] = [];
  const add = (tag: string, v: number | null | undefined) => v !== null && v !== undefined && out.push({ tag, scalar: v });
  add('lr', m.lr);
  add('loss/train', m.trainLoss);
  add('acc/train', m.trainAcc);
  if (m.evalSplit) {
    add(`loss/${m.evalSplit}`, m.evalLoss);
    add(`acc/${m.evalSplit}`, m.evalAcc);
  }
  const p = m.probes;
  if (!p) return out;
  add('dead_fraction', p.deadFraction);
  add('sparsity', p.sparsity);
  add('resurrected', p.resurrected);
  for (const l of p.layers) {
    add(`dead/${l.layer}`, l.deadFraction);
    add(`sparsity/${l.layer}`, l.sparsity);
    add(`pre_mean/${l.layer}`, l.preMean);
    add(`pre_std/${l.layer}`, l.preStd);
  }
  for (const [layer, norm] of Object.entries(p.gradNorms ?? {})) add(`grad_norm/${layer}`, norm);
  return out;
}

/**
 * An epoch's summary values: `lr`, `loss/train`, `acc/train`, `loss/<val|test>`, `acc/<val|test>`, and with probes
 * `dead_fraction`, `sparsity`, `resurrected`, per layer `dead/`, `sparsity/`, `pre_mean/`, `pre_std/`,
 * `grad_norm/<layer>`, and the histogram `activation_probability/<layer>` of the units' probabilities (from `units`,
 * else from the record's `unitProb` when the probes kept them).
 */
export function epochSummary(m: EpochMetrics, units?: readonly LayerUnitStats[]): SummaryValue[] {
  const perUnit = units ?? m.probes?.layers.flatMap((l) => (l.unitProb ? [{ layer: l.layer, activationProb: l.unitProb }] : [])) ?? [];
  return [...scalars(m), ...activationHistograms(perUnit)];
}

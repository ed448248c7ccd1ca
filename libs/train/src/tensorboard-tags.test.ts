import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from './metrics';
import { epochSummary, PROBABILITY_LIMITS } from './tensorboard-tags';

const timing = { trainMs: 1, evalMs: 1, probeMs: 1, checkpointMs: 1 };
const layer = (name: string, unitProb?: number[]) => ({
  layer: name,
  units: 2,
  dead: 1,
  deadFraction: 0.5,
  activationProb: 0.25,
  sparsity: 0.75,
  preMean: -0.1,
  preStd: 0.9,
  resurrected: 0,
  newlyDead: 0,
  ...(unitProb ? { unitProb } : {}),
});

describe('epochSummary', () => {
  it("names one tag per number of the record; epoch 0's null loss and lr are left out", () => {
    const m: EpochMetrics = {
      epoch: 0,
      step: 0,
      lr: null,
      trainLoss: null,
      trainAcc: null,
      evalSplit: 'test',
      evalLoss: 1.1,
      evalAcc: 0.3,
      probes: { layers: [layer('act_1')], deadFraction: 0.5, sparsity: 0.75, resurrected: 0, gradNorms: { dense_1: 0.2 }, gradSteps: 1 },
      timing,
    };
    expect(epochSummary(m)).toEqual([
      { tag: 'loss/test', scalar: 1.1 },
      { tag: 'acc/test', scalar: 0.3 },
      { tag: 'dead_fraction', scalar: 0.5 },
      { tag: 'sparsity', scalar: 0.75 },
      { tag: 'resurrected', scalar: 0 },
      { tag: 'dead/act_1', scalar: 0.5 },
      { tag: 'sparsity/act_1', scalar: 0.75 },
      { tag: 'pre_mean/act_1', scalar: -0.1 },
      { tag: 'pre_std/act_1', scalar: 0.9 },
      { tag: 'grad_norm/dense_1', scalar: 0.2 },
    ]);
  });

  it("histograms each layer's unit probabilities, from the probe's units or else the record's unitProb", () => {
    const m: EpochMetrics = {
      epoch: 2,
      step: 10,
      lr: 0.01,
      trainLoss: 0.5,
      trainAcc: 0.8,
      probes: { layers: [layer('act_1', [0, 1])], deadFraction: 0.5, sparsity: 0.75, resurrected: 0, gradSteps: 0 },
      timing,
    };
    const tags = epochSummary(m).map((v) => v.tag);
    expect(tags.slice(0, 3)).toEqual(['lr', 'loss/train', 'acc/train']);
    const fromRecord = epochSummary(m).find((v) => v.tag === 'activation_probability/act_1');
    expect(fromRecord).toMatchObject({ histogram: { num: 2, min: 0, max: 1, sum: 1, bucketLimit: PROBABILITY_LIMITS } });
    const units = [{ layer: 'act_1', activationProb: Float32Array.from([0.5, 0.5, 0.5]) }] as Parameters<typeof epochSummary>[1];
    const fromUnits = epochSummary(m, units).find((v) => v.tag === 'activation_probability/act_1');
    expect(fromUnits).toMatchObject({ histogram: { num: 3, min: 0.5, max: 0.5 } });
    // 1 is in the last of twenty buckets, 0 in the first.
    const h = (fromRecord as { histogram: { bucket: number[] } }).histogram;
    expect(h.bucket.length).toBe(20);
    expect([h.bucket[0], h.bucket[19]]).toEqual([1, 1]);
  });
});

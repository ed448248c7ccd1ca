import { describe, expect, it } from 'vitest';
import { learningRateAt, warmupSteps } from './schedule';

const ctx = { baseLr: 0.1, stepsPerEpoch: 10, totalSteps: 100 };

describe('learningRateAt', () => {
  it('constant', () => {
    expect(learningRateAt(0, { kind: 'constant' }, undefined, ctx)).toBe(0.1);
    expect(learningRateAt(99, { kind: 'constant' }, undefined, ctx)).toBe(0.1);
  });

  it('step decay in epochs and in steps', () => {
    const s = { kind: 'step', every: 3, gamma: 0.5 } as const;
    expect(learningRateAt(29, s, undefined, ctx)).toBe(0.1);
    expect(learningRateAt(30, s, undefined, ctx)).toBe(0.05);
    expect(learningRateAt(60, s, undefined, ctx)).toBeCloseTo(0.025, 15);
    expect(learningRateAt(90, s, undefined, ctx)).toBeCloseTo(0.0125, 15);
    expect(learningRateAt(7, { kind: 'step', every: 7, unit: 'step' }, undefined, ctx)).toBeCloseTo(0.01, 15);
  });

  it('cosine from lr to lr * minFactor (PyTorch CosineAnnealingLR values)', () => {
    const s = { kind: 'cosine', minFactor: 0.1 } as const;
    expect(learningRateAt(0, s, undefined, ctx)).toBeCloseTo(0.1, 15);
    // halfway: min + (1 - min) / 2 = 0.55 of lr
    expect(learningRateAt(50, s, undefined, ctx)).toBeCloseTo(0.055, 15);
    expect(learningRateAt(25, s, undefined, ctx)).toBeCloseTo(0.1 * (0.1 + (0.9 * (1 + Math.SQRT1_2)) / 2), 15);
  });

  it('linear warmup then the main schedule on the remaining steps', () => {
    const warmup = { steps: 20, startFactor: 0 };
    const s = { kind: 'cosine' } as const;
    expect(learningRateAt(0, s, warmup, ctx)).toBe(0);
    expect(learningRateAt(10, s, warmup, ctx)).toBeCloseTo(0.05, 15);
    expect(learningRateAt(20, s, warmup, ctx)).toBeCloseTo(0.1, 15);
    // cosine over the remaining 80 steps: halfway at step 60
    expect(learningRateAt(60, s, warmup, ctx)).toBeCloseTo(0.05, 15);
    expect(learningRateAt(5, { kind: 'constant' }, { epochs: 1, startFactor: 0.5 }, ctx)).toBeCloseTo(0.075, 15);
    expect(warmupSteps({ epochs: 1.5 }, 10)).toBe(15);
  });

  it('linear decay to endFactor', () => {
    expect(learningRateAt(50, { kind: 'linear', endFactor: 0 }, undefined, ctx)).toBeCloseTo(0.05, 15);
  });
});

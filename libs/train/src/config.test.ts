import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, type TrainConfig } from './config';
import { TrainConfigError } from './errors';

const base: TrainConfig = { epochs: 2, batchSize: 8, optimizer: { name: 'adam', lr: 1e-3 } };

describe('resolveTrainConfig', () => {
  it('fills in the defaults', () => {
    const c = resolveTrainConfig(base);
    expect(c.seed).toBe(0);
    expect(c.optimizer).toEqual({ name: 'adam', lr: 1e-3, momentum: 0, nesterov: false, weightDecay: 0, decayOn: 'all', beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(c.schedule).toEqual({ kind: 'constant' });
    expect(c.progress).toBe('auto');
    expect(resolveTrainConfig({ ...base, optimizer: { name: 'adamw', lr: 1 } }).optimizer.weightDecay).toBe(0.01);
  });

  it('names the offending field', () => {
    const bad = (c: unknown, re: RegExp) => {
      expect(() => resolveTrainConfig(c as TrainConfig)).toThrow(TrainConfigError);
      expect(() => resolveTrainConfig(c as TrainConfig)).toThrow(re);
    };
    bad({ ...base, epochs: 1.5 }, /'epochs' must be an integer >= 0; found 1.5/);
    bad({ ...base, optimizer: { name: 'rmsprop', lr: 1 } }, /'optimizer.name' must be one of 'sgd', 'adam', 'adamw'; found "rmsprop"/);
    bad({ ...base, optimizer: { name: 'sgd', lr: 1, nesterov: true } }, /'optimizer.momentum' must be a number > 0 when nesterov/);
    bad({ ...base, optimizer: { name: 'adam', lr: 1, momentum: 0.9 } }, /momentum and nesterov are sgd options/);
    bad({ ...base, schedule: { kind: 'step' } }, /'schedule.every' must be an integer >= 1; found undefined/);
    bad({ ...base, warmup: { steps: 3, epochs: 1 } }, /'warmup' must be exactly one of steps, epochs/);
    bad({ ...base, resume: true }, /'checkpointDir' must be a directory when resume is true/);
    bad({ ...base, probes: { size: 0 } }, /'probes.size' must be an integer >= 1; found 0/);
  });

  it('round-trips through JSON', () => {
    const c: TrainConfig = { ...base, schedule: { kind: 'cosine', minFactor: 0.1 }, warmup: { steps: 10 }, probes: { size: 64 } };
    expect(resolveTrainConfig(JSON.parse(JSON.stringify(c)))).toEqual(resolveTrainConfig(c));
  });
});

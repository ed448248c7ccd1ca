import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, trainConfigIssues, type TrainConfig } from './config';
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
    bad({ ...base, optimizer: { name: 'rmsprop', lr: 1 } }, /'optimizer.name' must be one of 'sgd', 'adam', 'adamw'; found 'rmsprop'/);
    bad({ ...base, optimizer: { name: 'sgd', lr: 1, nesterov: true } }, /'optimizer.momentum' must be a number > 0 when nesterov/);
    bad({ ...base, optimizer: { name: 'adam', lr: 1, momentum: 0.9 } }, /momentum and nesterov are sgd options/);
    bad({ ...base, schedule: { kind: 'step' } }, /'schedule.every' must be an integer >= 1; found undefined/);
    bad({ ...base, warmup: { steps: 3, epochs: 1 } }, /'warmup' must be exactly one of steps, epochs/);
    bad({ ...base, resume: true }, /'checkpointDir' must be a directory when resume is true/);
    bad({ ...base, tensorboardDir: '' }, /'tensorboardDir' must be a directory path \(a non-empty string\); found ''/);
    bad({ ...base, tensorboardDir: true }, /'tensorboardDir' must be a directory path \(a non-empty string\); found true/);
    bad({ ...base, probes: { size: 0 } }, /'probes.size' must be an integer >= 1; found 0/);
  });

  it('rejects unknown keys at every level, suggesting the close name', () => {
    const reason = (c: unknown) => {
      try {
        resolveTrainConfig(c as TrainConfig);
      } catch (err) {
        expect(err).toBeInstanceOf(TrainConfigError);
        const e = err as TrainConfigError;
        return `${e.path}: ${e.reason}`;
      }
      throw new Error('expected a TrainConfigError');
    };
    expect(reason({ ...base, optimizer: { name: 'sgd', lr: 0.1, momentun: 0.9 } })).toBe(
      "optimizer.momentun: is not an option of optimizer; expected one of: name, lr, momentum, nesterov, weightDecay, decayOn, beta1, beta2, eps; did you mean 'momentum'?",
    );
    expect(reason({ ...base, schedule: { kind: 'cosine', minFactr: 0.1 } })).toMatch(
      /^schedule\.minFactr: is not an option of schedule kind 'cosine'; expected one of: kind, minFactor; did you mean 'minFactor'\?$/,
    );
    expect(reason({ ...base, schedule: { kind: 'cosine', every: 3 } })).toMatch(/^schedule\.every: is not an option of schedule kind 'cosine'/);
    expect(reason({ ...base, probes: { sise: 64 } })).toMatch(/^probes\.sise: .*did you mean 'size'\?$/);
    expect(reason({ ...base, data: { normalise: true } })).toMatch(/^data\.normalise: .*did you mean 'normalize'\?$/);
    expect(reason({ ...base, data: { augment: { crop: 4, flpi: true } } })).toMatch(/^data\.augment\.flpi: .*did you mean 'flip'\?$/);
    expect(reason({ ...base, warmup: { step: 10 } })).toMatch(/^warmup\.step: .*did you mean 'steps'\?$/);
    expect(reason({ ...base, eval: { splt: 'val' } })).toMatch(/^eval\.splt: .*did you mean 'split'\?$/);
    expect(reason({ ...base, epoch: 3 })).toMatch(/^epoch: is not an option of the train config; .*did you mean 'epochs'\?$/);
    expect(reason({ ...base, schedule: { kind: 'cosin' } })).toMatch(
      /^schedule\.kind: must be one of 'constant', 'step', 'cosine', 'linear'; found 'cosin'; did you mean 'cosine'\?$/,
    );
    // Options that exist, but not for this optimizer, would be ignored: they are errors too.
    expect(reason({ ...base, optimizer: { name: 'sgd', lr: 0.1, beta1: 0.8 } })).toBe(
      "optimizer.beta1: must be unset for 'sgd' (beta1 is an adam/adamw option); found 0.8",
    );
  });

  it('lists the first problem of every part at once', () => {
    const c = {
      ...base,
      optimizer: { name: 'sgd', lr: 0.1, momentun: 0.9 },
      schedule: { kind: 'cosine', minFactr: 0 },
      probes: { sise: 1 },
      data: { normalise: true },
    };
    expect(trainConfigIssues(c as unknown as TrainConfig).map((e) => e.path)).toEqual([
      'optimizer.momentun',
      'schedule.minFactr',
      'probes.sise',
      'data.normalise',
    ]);
    expect(trainConfigIssues(base)).toEqual([]);
  });

  it('names NaN, Infinity and strings for what they are', () => {
    const bad = (c: unknown, msg: string) => expect(() => resolveTrainConfig(c as TrainConfig)).toThrow(msg);
    bad({ ...base, optimizer: { name: 'adam', lr: NaN } }, "train config: 'optimizer.lr' must be a finite number >= 0; found NaN");
    bad({ ...base, optimizer: { name: 'adam', lr: Infinity } }, "'optimizer.lr' must be a finite number >= 0; found Infinity");
    bad({ ...base, optimizer: { name: 'adam', lr: 'abc' } }, "'optimizer.lr' must be a number >= 0; found the string 'abc'");
    bad({ ...base, epochs: '3' }, "'epochs' must be an integer >= 0; found the string '3'");
    bad({ ...base, data: { normalize: 'yes' } }, "'data.normalize' must be a boolean; found the string 'yes'");
  });

  it('round-trips through JSON', () => {
    const c: TrainConfig = { ...base, schedule: { kind: 'cosine', minFactor: 0.1 }, warmup: { steps: 10 }, probes: { size: 64 } };
    expect(resolveTrainConfig(JSON.parse(JSON.stringify(c)))).toEqual(resolveTrainConfig(c));
  });
});

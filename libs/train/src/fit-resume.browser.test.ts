import { buildModel } from '@sugar-lab/models';
import { describe, expect, it } from 'vitest';
import { TrainConfigError } from './errors';
import { checkpointRun, resumeRun } from './fit-resume.browser';
import { createRun, disposeRun } from './fit-run';
import type { TrainConfig } from './config';
import { tf } from '@sugar-lab/core';

// fit in a page refuses every path before training (fit-resume.browser.ts stands in for fit-resume.ts there).
describe('fit-resume in a browser', () => {
  const data = { train: { x: tf.randomNormal([8, 2], 0, 1, 'float32', 1), y: tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32') } };
  const model = () => buildModel('mlp', { depth: 1, width: 4, activation: { kind: 'relu' }, inputShape: [2], numClasses: 3, seed: 1 });
  const base: TrainConfig = { epochs: 1, batchSize: 4, optimizer: { name: 'sgd', lr: 0.1 }, progress: 'none' };

  it.each([
    ['checkpointDir', 'ckpt'],
    ['logPath', 'metrics.jsonl'],
    ['tensorboardDir', 'tb'],
  ])('refuses %s, naming it and what to use instead', (field, value) => {
    const run = createRun(model(), data, { ...base, [field]: value }, {});
    try {
      expect(() => resumeRun(run)).toThrow(TrainConfigError);
      expect(() => resumeRun(run)).toThrow(
        `train config: '${field}' is a path on disk, which fit only writes in Node (found "${value}"); in a browser leave it out and read each epoch from callbacks.onEpochEnd or the result's epochs`,
      );
    } finally {
      disposeRun(run);
    }
  });

  it('lets a run without paths train, and checkpoints nothing', () => {
    const run = createRun(model(), data, base, {});
    try {
      expect(() => resumeRun(run)).not.toThrow();
      expect(checkpointRun()).toBe(0);
    } finally {
      disposeRun(run);
    }
  });
});

import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { GradientNormMeter } from './gradient-norms';
import { ProbeSuite } from './probe-suite';
import { PROBE_X, tinyFusedMlp, tinyMlp } from './test-utils/models';

describe('ProbeSuite', () => {
  // The same with the relus as layers of their own and fused into the dense layers (dense({ activation: 'relu' })).
  it.each([
    ['ReLU layers', tinyMlp],
    ['fused relus', tinyFusedMlp],
  ])('counts resurrected and newly dead units between measurements (%s)', (_, build) => {
    const model = build();
    const x = tf.tensor2d(PROBE_X);
    const suite = new ProbeSuite(model, x, { perUnit: true });
    const m0 = suite.measure().record;
    expect(m0.layers[0].dead).toBe(1);
    expect(m0.layers[0].resurrected).toBe(0);
    expect(m0.layers[0].unitProb).toEqual([0.5, 0.25, 0]);
    expect(m0.deadFraction).toBeCloseTo(1 / 5, 12);

    // Revive unit 2 (column [1, 0]) and kill unit 1 (column [0, 0]).
    model.getLayer('d1').setWeights([
      tf.tensor2d([
        [1, 0, 1],
        [0, 0, 0],
      ]),
    ]);
    const state = suite.getState()!;
    expect(state.everDead[0]).toBe('001');
    const m1 = suite.measure().record;
    expect(m1.layers[0].resurrected).toBe(1);
    expect(m1.layers[0].newlyDead).toBe(1);

    // Restoring the state taken before m1 replays m1 exactly.
    suite.setState(state);
    expect(suite.measure().record).toEqual(m1);
    // Back to the first weights: unit 1 was dead at m1, so it counts as resurrected.
    model.getLayer('d1').setWeights([
      tf.tensor2d([
        [1, -1, 0],
        [0, 1, 0],
      ]),
    ]);
    const m2 = suite.measure().record;
    expect(m2.layers[0].resurrected).toBe(1);
    expect(suite.getState()!.everDead[0]).toBe('011');
    expect(() => suite.setState({ everDead: ['01'], lastDead: ['01'] })).toThrow(/expected 2 layers of 3, 2 units/);
    suite.dispose();
  });

  it('samples gradient steps every gradEvery steps', () => {
    const suite = new ProbeSuite(tinyMlp(), tf.tensor2d(PROBE_X), { gradEvery: 5 });
    expect([0, 1, 5, 9, 10].map((s) => suite.wantsGradients(s))).toEqual([true, false, true, false, true]);
    expect(new ProbeSuite(tinyMlp(), tf.tensor2d(PROBE_X), { gradEvery: 0 }).wantsGradients(0)).toBe(false);
    expect(() => new ProbeSuite(tinyMlp(), tf.tensor2d(PROBE_X), { gradEvery: -1 })).toThrow(/gradEvery must be an integer >= 0; found -1/);
  });
});

describe('GradientNormMeter', () => {
  it('averages kernel-gradient L2 norms over the fed steps', () => {
    const model = tinyMlp();
    const meter = new GradientNormMeter(model);
    const names = ['d1', 'd2', 'logits'].map((n) => (model.getLayer(n).trainableWeights[0].read() as tf.Variable).name);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      meter.accumulate({
        [names[0]]: tf.tensor2d([
          [3, 0, 0],
          [4, 0, 0],
        ]),
        [names[1]]: tf.ones([3, 2]),
        [names[2]]: tf.zeros([2, 2]),
      });
      meter.accumulate({ [names[0]]: tf.zeros([2, 3]), [names[1]]: tf.ones([3, 2]), [names[2]]: tf.zeros([2, 2]) });
    });
    expect(meter.steps).toBe(2);
    const r = meter.read()!;
    expect(r.d1).toBeCloseTo(2.5, 6);
    expect(r.d2).toBeCloseTo(Math.sqrt(6), 6);
    expect(r.logits).toBe(0);
    expect(meter.read()).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches the gradient of a hand-worked loss', () => {
    // loss = sum(logits) with logits kernel ones: d loss / d kernel_logits[i][j] = sum over batch of relu2[:, i]
    const model = tinyMlp();
    const meter = new GradientNormMeter(model);
    const x = tf.tensor2d(PROBE_X);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum<tf.Scalar>(model.apply(x) as tf.Tensor), vars);
      meter.accumulate(grads);
    });
    // relu2 column sums over PROBE_X: [1+0+0+2, 0+1+0+0] = [3, 1]; each column j gets the same: norm sqrt(2*(9+1))
    expect(meter.read()!.logits).toBeCloseTo(Math.sqrt(20), 5);
  });
});

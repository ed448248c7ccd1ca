import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LandscapeError } from './errors';
import { LandscapeEvaluator } from './evaluator';
import { mlp, spirals } from './test-utils/fixtures';

describe('LandscapeEvaluator', () => {
  it('gives the same loss, accuracy and gradient in any batch size; one-hot and index labels agree', () => {
    const model = mlp(3, 8, { kind: 'relu' }, 2);
    const { x, y } = spirals(50);
    const oneHot = tf.oneHot(y, 3);
    const whole = new LandscapeEvaluator(model, { x, y }, { batchSize: 256 });
    const small = new LandscapeEvaluator(model, { x, y: oneHot }, { batchSize: 7 });
    const before = tf.memory().numTensors;
    const [a, b] = [whole.measure(), small.measure()];
    const [ga, gb] = [whole.gradient(), small.gradient()];
    expect(tf.memory().numTensors).toBe(before + 2 * ga.length);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    expect(b.accuracy).toBeCloseTo(a.accuracy, 6);
    ga.forEach((g, i) => {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(g, gb[i]))).dataSync()[0]);
      expect(d).toBeLessThan(1e-5);
    });
    // Against tfjs-layers' own categorical cross-entropy.
    const ref = tf.tidy(() => tf.losses.softmaxCrossEntropy(oneHot, model.predict(x) as tf.Tensor).dataSync()[0]);
    expect(a.loss).toBeCloseTo(ref, 5);
    tf.dispose([...ga, ...gb, x, y, oneHot]);
    whole.dispose();
    small.dispose();
    model.dispose();
  });

  it('refuses mismatched data and options', () => {
    const model = mlp(1, 4, { kind: 'relu' });
    expect(() => new LandscapeEvaluator(model, { x: tf.zeros([3, 2]), y: tf.zeros([2]) })).toThrow(/as many labels as samples/);
    expect(() => new LandscapeEvaluator(model, { x: tf.zeros([3, 2]), y: tf.zeros([3]) }, { batchSize: 0 })).toThrow(LandscapeError);
    expect(() => new LandscapeEvaluator(model, {} as never)).toThrow(/as tensors/);
    model.dispose();
  });
});

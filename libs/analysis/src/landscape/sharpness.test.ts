import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LandscapeError } from './errors';
import { LandscapeEvaluator } from './evaluator';
import { sharpness } from './sharpness';
import { linearModel, matmul, mlp, mse, spirals, values } from './test-utils/fixtures';

describe('sharpness', () => {
  it('at the minimum of a quadratic: rises are r^2 d^T H d / 2, so doubling the radius quadruples them', () => {
    const X = [
      [1, 0.5],
      [-0.5, 2],
      [1.5, -1],
      [0.3, 0.3],
    ];
    const W = [
      [0.5, -1],
      [2, 0.25],
    ];
    const model = linearModel(W);
    const ev = new LandscapeEvaluator(model, { x: tf.tensor2d(X), y: tf.tensor2d(matmul(X, W)) }, { loss: mse });
    const w0 = values(ev.variables);
    const before = tf.memory().numTensors;
    const small = sharpness(ev, { radius: 0.1, directions: 3 });
    const large = sharpness(ev, { radius: 0.2, directions: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(values(ev.variables)).toEqual(w0);
    expect(small.baseLoss).toBeCloseTo(0, 10);
    expect(small.perDirection.length).toBe(3);
    small.perDirection.forEach((s, i) => {
      expect(s).toBeGreaterThan(0);
      expect(large.perDirection[i] / s).toBeCloseTo(4, 3);
    });
    expect(small.sharpness).toBe(Math.max(...small.perDirection));
    ev.dispose();
    model.dispose();
  });

  it('is seeded, and refuses bad options', () => {
    const model = mlp(2, 8, { kind: 'relu' }, 5);
    const { x, y } = spirals(40);
    const ev = new LandscapeEvaluator(model, { x, y });
    const a = sharpness(ev, { seed: 1, directions: 2 });
    const b = sharpness(ev, { seed: 1, directions: 2 });
    expect(a).toEqual(b);
    expect(Number.isFinite(a.sharpness)).toBe(true);
    expect(() => sharpness(ev, { radius: 0 })).toThrow(LandscapeError);
    expect(() => sharpness(ev, { directions: 1.5 })).toThrow(/directions expected an integer/);
    ev.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});

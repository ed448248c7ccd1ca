import { tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import {
  activationProbability,
  deadUnitFraction,
  deadUnitMask,
  newlyDeadCount,
  positiveCounts,
  preactivationMoments,
  resurrectedCount,
  sparsity,
} from './units';

// Three inputs, three units: unit 0 positive on 2 of 3 inputs, unit 1 never (negative), unit 2 never (zero).
const PRE = [
  [1, -1, 0],
  [2, -3, 0],
  [-1, -2, 0],
];

describe('unit statistics (dense)', () => {
  it('counts positives, probabilities and dead units by hand', () => {
    const pre = tf.tensor2d(PRE);
    expect(Array.from(positiveCounts(pre).dataSync())).toEqual([2, 0, 0]);
    const p = activationProbability(pre).dataSync();
    expect(p[0]).toBeCloseTo(2 / 3, 7);
    expect(p[1]).toBe(0);
    expect(Array.from(deadUnitMask(pre).dataSync())).toEqual([0, 1, 1]);
    expect(deadUnitFraction(pre)).toBeCloseTo(2 / 3, 7);
  });

  it('sparsity is the fraction of exact zeros after the ReLU', () => {
    // relu(PRE) = [[1,0,0],[2,0,0],[0,0,0]]: 7 zeros of 9
    expect(sparsity(tf.relu(tf.tensor2d(PRE)))).toBeCloseTo(7 / 9, 12);
    expect(sparsity(tf.tensor1d([0, -0, 1e-30, 2]))).toBe(0.5);
  });

  it('pre-activation moments (population std)', () => {
    // entries: 1,-1,0,2,-3,0,-1,-2,0: sum -4, mean -4/9; sum of squares 20
    const { mean, std } = preactivationMoments(tf.tensor2d(PRE));
    expect(mean).toBeCloseTo(-4 / 9, 6);
    expect(std).toBeCloseTo(Math.sqrt(20 / 9 - 16 / 81), 6);
  });
});

describe('unit statistics (convolution, channels last)', () => {
  it('averages each channel over inputs x positions', () => {
    // two 2x2 images, 2 channels; channel 0 = image, channel 1 = -image
    const img = [
      [
        [1, -2],
        [3, 0],
      ],
      [
        [-1, -1],
        [-1, -1],
      ],
    ];
    const pre = tf.tidy(() => {
      const x = tf.tensor4d(img.flat(2), [2, 2, 2, 1]);
      return tf.concat([x, tf.neg(x)], 3);
    });
    const p = activationProbability(pre).dataSync();
    expect(p[0]).toBeCloseTo(2 / 8, 7);
    expect(p[1]).toBeCloseTo(5 / 8, 7);
    expect(deadUnitFraction(pre)).toBe(0);
  });
});

describe('resurrection counts', () => {
  it('counts units dead before and alive now, and the reverse', () => {
    const everDead = [1, 1, 0, 0, 1];
    const now = [0, 1, 1, 0, 0];
    expect(resurrectedCount(everDead, now)).toBe(2);
    expect(newlyDeadCount([0, 0, 0, 1, 0], now)).toBe(2);
    expect(() => resurrectedCount([1], [1, 0])).toThrow(/equal length; found 1 and 2/);
  });
});

describe('memory', () => {
  it('leaves no tensors behind', () => {
    const pre = tf.tensor2d(PRE);
    const before = tf.memory().numTensors;
    deadUnitFraction(pre);
    sparsity(pre);
    preactivationMoments(pre);
    resurrectedCount([1], [0]);
    expect(tf.memory().numTensors).toBe(before);
    pre.dispose();
  });
});

import { hasKernel, initBackend, setNativeOpsEnabled, SUGAR_PROBE_STATS, tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { findActivationLayers, kernelLayers } from './activation-layers';
import { ActivationProbe } from './activation-probe';
import { ProbeError } from './errors';
import { PROBE_X, tinyMlp } from './test-utils/models';

describe('findActivationLayers', () => {
  it('finds ReLU and Activation(relu) but not Dense or the logits', () => {
    const model = tinyMlp();
    expect(findActivationLayers(model).map((l) => l.name)).toEqual(['relu1', 'relu2']);
    expect(findActivationLayers(model, ['relu2']).map((l) => l.name)).toEqual(['relu2']);
    expect(() => findActivationLayers(model, ['nope'])).toThrow(ProbeError);
    expect(kernelLayers(model).map((k) => k.layer.name)).toEqual(['d1', 'd2', 'logits']);
  });
});

describe('ActivationProbe', () => {
  // pre1 = x W1 = [1,-1,0],[0,1,0],[-1,0,0],[2,-1,0]: unit probabilities 2/4, 1/4, 0 (dead);
  // relu outputs have 2+2+3+2 = 9 zeros of 12; pre mean 1/12, E[pre²] = 9/12.
  for (const batchSize of [256, 3, 1]) {
    it(`matches hand-computed statistics (probe batch ${batchSize})`, () => {
      const model = tinyMlp();
      const x = tf.tensor2d(PROBE_X);
      const probe = new ActivationProbe(model, x, { batchSize });
      const before = tf.memory().numTensors;
      const [l1, l2] = probe.measure();
      expect(tf.memory().numTensors).toBe(before);
      expect(l1.layer).toBe('relu1');
      expect(l1.units).toBe(3);
      expect(Array.from(l1.activationProb)).toEqual([0.5, 0.25, 0]);
      expect(Array.from(l1.dead)).toEqual([0, 0, 1]);
      expect(l1.deadCount).toBe(1);
      expect(l1.deadFraction).toBeCloseTo(1 / 3, 12);
      expect(l1.sparsity).toBe(0.75);
      expect(l1.preMean).toBeCloseTo(1 / 12, 7);
      expect(l1.preStd).toBeCloseTo(Math.sqrt(9 / 12 - 1 / 144), 6);
      // relu1 = [1,0,0],[0,1,0],[0,0,0],[2,0,0]; W2 = [[1,0],[0,1],[1,-1]] -> pre2 = [1,0],[0,1],[0,0],[2,0]
      expect(Array.from(l2.activationProb)).toEqual([0.5, 0.25]);
      expect(l2.deadCount).toBe(0);
      expect(l2.sparsity).toBe(5 / 8);
      probe.dispose();
      x.dispose();
    });
  }

  it('works per channel on a convolution', () => {
    const input = tf.input({ shape: [2, 2, 1] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, name: 'c' });
    const act = tf.layers.reLU({ name: 'r' });
    const y = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(act.apply(conv.apply(input)))) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    conv.setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2])]);
    const x = tf.tensor4d([1, -2, 3, 0, -1, -1, -1, -1], [2, 2, 2, 1]);
    const probe = new ActivationProbe(model, x);
    const [s] = probe.measure();
    expect(Array.from(s.activationProb)).toEqual([2 / 8, 5 / 8]);
    expect(s.sparsity).toBe(9 / 16);
    probe.dispose();
  });

  it('refuses a model without activation layers', () => {
    const input = tf.input({ shape: [2] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor });
    expect(() => new ActivationProbe(model, tf.zeros([1, 2]))).toThrow(/at least one activation layer/);
  });
});

// On tensorflow with sugar-lab's native kernels each layer's statistics are one op (SugarProbeStats): the same
// counts as the tfjs ops, the moments to float32 rounding, batched and not, conv channels included.
describe('ActivationProbe with the native probe kernel', () => {
  it('measures what the tfjs ops measure', async (ctx) => {
    if ((await initBackend('tensorflow', { quiet: true })) !== 'tensorflow' || !hasKernel(SUGAR_PROBE_STATS)) return ctx.skip();
    try {
      const input = tf.input({ shape: [6, 6, 2] });
      const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
      const a = tf.layers.reLU().apply(c) as tf.SymbolicTensor;
      const d = tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(tf.layers.flatten().apply(a));
      const model = tf.model({ inputs: input, outputs: tf.layers.reLU().apply(d) as tf.SymbolicTensor });
      const x = tf.randomNormal([37, 6, 6, 2], 0, 1, 'float32', 3);
      for (const batchSize of [37, 8]) {
        const probe = new ActivationProbe(model, x, { batchSize });
        const got = probe.measure();
        const prev = setNativeOpsEnabled(false);
        const want = probe.measure();
        setNativeOpsEnabled(prev);
        probe.dispose();
        got.forEach((g, i) => {
          const w = want[i];
          expect(Array.from(g.activationProb)).toEqual(Array.from(w.activationProb));
          expect(Array.from(g.dead)).toEqual(Array.from(w.dead));
          expect(g.sparsity).toBe(w.sparsity);
          expect(g.preMean).toBeCloseTo(w.preMean, 5);
          expect(g.preStd).toBeCloseTo(w.preStd, 5);
        });
      }
      tf.dispose([x]);
      model.dispose();
    } finally {
      await initBackend('cpu', { quiet: true });
    }
  });
});

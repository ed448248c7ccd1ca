import { hasKernel, initBackend, setNativeOpsEnabled, SUGAR_PROBE_STATS, tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { findActivationLayers, kernelLayers } from './activation-layers';
import { ActivationProbe } from './activation-probe';
import { ProbeError } from './errors';
import { fusedModel, PROBE_X, tinyFusedMlp, tinyMlp } from './test-utils/models';

describe('findActivationLayers', () => {
  it('finds ReLU and Activation(relu) but not Dense or the logits', () => {
    const model = tinyMlp();
    expect(findActivationLayers(model).map((l) => l.name)).toEqual(['relu1', 'relu2']);
    expect(findActivationLayers(model, ['relu2']).map((l) => l.name)).toEqual(['relu2']);
    expect(() => findActivationLayers(model, ['nope'])).toThrow(ProbeError);
    expect(kernelLayers(model).map((k) => k.layer.name)).toEqual(['d1', 'd2', 'logits']);
  });

  it('finds Dense/Conv layers with a fused activation, and layers of nested models, by default or by name', () => {
    expect(findActivationLayers(tinyFusedMlp()).map((l) => l.name)).toEqual(['d1', 'd2']);
    const cnn = fusedModel('cnn');
    expect(findActivationLayers(cnn).map((l) => l.getClassName())).toEqual(['Conv2D', 'DepthwiseConv2D', 'Activation', 'SeparableConv2D', 'Conv1D']);
    const nested = fusedModel('nested-functional');
    const inner = nested.layers[1] as tf.LayersModel;
    expect(findActivationLayers(nested)).toEqual([...inner.layers, nested.layers[2]]);
    expect(findActivationLayers(nested, [inner.layers[2].name])).toEqual([inner.layers[2]]);
    expect(kernelLayers(nested).map((k) => k.layer)).toEqual([inner.layers[0], inner.layers[2], nested.layers[2], nested.layers[3]]);
    [cnn, nested].forEach((m) => m.dispose());
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

  it('refuses a model without activations, saying what it looked for and what it found', () => {
    const input = tf.input({ shape: [2] });
    const h = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tf.SymbolicTensor });
    expect(() => new ActivationProbe(model, tf.zeros([1, 2]))).toThrow(
      /expected at least one activation layer or fused activation in model '.*', that is activation layers \(ReLU, .*\) or Dense\/Conv1D\/.* layers with such an activation fused \(e\.g\. activation: 'relu'\), nested models included; found Dense\(linear\), Dense\(softmax\)$/,
    );
  });
});

// The user: a tf.sequential of dense layers with activation: 'relu' is probed as it is, with the
// statistics of tinyMlp, whose ReLUs are layers of their own (hand-computed above).
describe('ActivationProbe on activations fused into Dense/Conv layers', () => {
  it("measures a Sequential of Dense(relu) layers as tinyMlp's ReLU layers", () => {
    const x = tf.tensor2d(PROBE_X);
    const probe = new ActivationProbe(tinyFusedMlp(), x, { batchSize: 3 });
    const [l1, l2] = probe.measure();
    expect([l1.layer, l1.className, l1.units]).toEqual(['d1', 'Dense', 3]);
    expect(Array.from(l1.activationProb)).toEqual([0.5, 0.25, 0]);
    expect(Array.from(l1.dead)).toEqual([0, 0, 1]);
    expect(l1.deadFraction).toBeCloseTo(1 / 3, 12);
    expect(l1.sparsity).toBe(0.75);
    expect(l1.preMean).toBeCloseTo(1 / 12, 7);
    expect(l1.preStd).toBeCloseTo(Math.sqrt(9 / 12 - 1 / 144), 6);
    expect(Array.from(l2.activationProb)).toEqual([0.5, 0.25]);
    expect(l2.sparsity).toBe(5 / 8);
    probe.dispose();
    x.dispose();
  });

  it('reads the current weights and bias at every measurement, and frees what it made', () => {
    const model = tinyFusedMlp();
    const x = tf.tensor2d(PROBE_X);
    // Revive unit 2 (column [1, 0]) and kill unit 1 (column [0, 0]).
    const w1 = tf.tensor2d([
      [1, 0, 1],
      [0, 0, 0],
    ]);
    const start = tf.memory().numTensors;
    const probe = new ActivationProbe(model, x);
    expect(probe.measure()[0].deadCount).toBe(1);
    const before = tf.memory().numTensors;
    model.getLayer('d1').setWeights([w1]);
    expect(Array.from(probe.measure()[0].activationProb)).toEqual([0.5, 0, 0.5]);
    expect(tf.memory().numTensors).toBe(before);
    probe.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, w1]);
    model.dispose();

    const biased = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'relu', kernelInitializer: 'zeros', biasInitializer: 'zeros' })],
    });
    const probe2 = new ActivationProbe(biased, tf.tensor2d(PROBE_X));
    expect(probe2.measure()[0].deadCount).toBe(2);
    biased.layers[0].setWeights([tf.zeros([2, 2]), tf.tensor1d([0.5, -0.25])]);
    const [s] = probe2.measure();
    expect([Array.from(s.dead), s.preMean, s.preStd, s.sparsity]).toEqual([[0, 1], 0.125, 0.375, 0.5]);
    probe2.dispose();
  });

  for (const kind of ['cnn', 'nested-sequential', 'nested-functional'] as const) {
    it(`measures a ${kind} model as the same model with every activation a layer of its own`, () => {
      const fused = fusedModel(kind);
      const split = fusedModel(kind, true);
      split.setWeights(fused.getWeights());
      const shape = kind === 'cnn' ? [9, 6, 6, 2] : [9, 6];
      const x = tf.randomNormal(shape, 0, 1, 'float32', 5);
      for (const batchSize of [256, 4]) {
        const probes = [new ActivationProbe(fused, x, { batchSize }), new ActivationProbe(split, x, { batchSize })];
        const [got, want] = probes.map((p) => p.measure());
        probes.forEach((p) => p.dispose());
        expect(got.map((g) => g.units)).toEqual(want.map((w) => w.units));
        got.forEach((g, i) => {
          const w = want[i];
          expect([g.activationProb, g.dead, g.sparsity, g.preMean, g.preStd]).toEqual([w.activationProb, w.dead, w.sparsity, w.preMean, w.preStd]);
        });
        expect(got.some((g) => g.sparsity > 0 && g.sparsity < 1)).toBe(true);
      }
      [fused, split, x].forEach((t) => t.dispose());
    });
  }
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
      const plain = tf.model({ inputs: input, outputs: tf.layers.reLU().apply(d) as tf.SymbolicTensor });
      const x = tf.randomNormal([37, 6, 6, 2], 0, 1, 'float32', 3);
      // The same on activations fused into Dense/Conv layers (the probe reads them through linear twins).
      for (const [model, batchSize] of [plain, fusedModel('cnn')].flatMap((m) => [37, 8].map((b) => [m, b] as const))) {
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
      plain.dispose();
    } finally {
      await initBackend('cpu', { quiet: true });
    }
  });
});

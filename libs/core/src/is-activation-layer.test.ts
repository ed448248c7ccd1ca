import { beforeAll, describe, expect, it } from 'vitest';
import {
  activationLayer,
  activationLayers,
  describeLayers,
  getSurrogate,
  hasFusedActivation,
  hasFusedRelu,
  initBackend,
  isActivationLayer,
  isReluLayer,
  SugarReLU,
  sugarize,
  SurrogateError,
  tf,
  type ActivationSpec,
} from './index';
import { fusedConvNet, mlp, nestedFusedMlp, residualCnn } from './test-utils/models';

beforeAll(async () => {
  await initBackend('cpu', { quiet: true });
});

const SPECS: ActivationSpec[] = [
  { kind: 'relu' },
  { kind: 'sugar', surrogate: { name: 'bsilu' } },
  { kind: 'gelu' },
  { kind: 'silu' },
  { kind: 'elu' },
  { kind: 'elu', alpha: 0.5 },
  { kind: 'leakyRelu' },
  { kind: 'bsilu' },
  { kind: 'nelu' },
];

describe('isActivationLayer', () => {
  it("accepts every layer core's activationLayer(spec) makes, whatever its class", () => {
    for (const spec of SPECS) {
      const layer = activationLayer(spec, { name: 'a' });
      expect(isActivationLayer(layer), `${JSON.stringify(spec)} -> ${layer.getClassName()}`).toBe(true);
    }
  });

  it('accepts element-wise hidden activations and nothing else', () => {
    const yes = [
      tf.layers.reLU(),
      tf.layers.reLU({ maxValue: 6 }),
      tf.layers.leakyReLU(),
      tf.layers.elu(),
      tf.layers.prelu(),
      tf.layers.thresholdedReLU(),
      tf.layers.activation({ activation: 'tanh' }),
    ];
    const no = [
      tf.layers.dense({ units: 2, activation: 'relu' }), // fused: not a layer of its own
      tf.layers.activation({ activation: 'linear' }),
      tf.layers.activation({ activation: 'softmax' }),
      tf.layers.activation({ activation: 'sigmoid' }),
      tf.layers.softmax(),
      tf.layers.batchNormalization(),
      tf.layers.dropout({ rate: 0.1 }),
    ];
    expect(yes.map((l) => isActivationLayer(l))).toEqual(yes.map(() => true));
    expect(no.map((l) => isActivationLayer(l))).toEqual(no.map(() => false));
  });

  it('judges a config entry as it judges the built layer', () => {
    const layers = [
      tf.layers.reLU(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.activation({ activation: 'softmax' }),
      activationLayer({ kind: 'sugar', surrogate: { name: 'nelu' } }),
      tf.layers.dense({ units: 2 }),
    ];
    for (const l of layers) {
      const entry = { className: l.getClassName(), config: l.getConfig() };
      expect(isActivationLayer(entry)).toBe(isActivationLayer(l));
      expect(isReluLayer(entry)).toBe(isReluLayer(l));
    }
  });
});

describe('hasFusedActivation and hasFusedRelu', () => {
  it('accept Dense and the convolutions with a hidden activation fused in, built or as a config entry', () => {
    const relu = [
      tf.layers.dense({ units: 2, activation: 'relu' }),
      tf.layers.conv1d({ filters: 2, kernelSize: 1, activation: 'relu' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu' }),
      tf.layers.depthwiseConv2d({ kernelSize: 1, activation: 'relu' }),
      tf.layers.separableConv2d({ filters: 2, kernelSize: 1, activation: 'relu' }),
      tf.layers.conv2dTranspose({ filters: 2, kernelSize: 1, activation: 'relu' }),
    ];
    const hiddenNotRelu = [tf.layers.dense({ units: 2, activation: 'tanh' }), tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'elu' })];
    const no = [
      tf.layers.dense({ units: 2 }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'sigmoid' }),
      tf.layers.activation({ activation: 'relu' }), // a layer of its own: isActivationLayer's
      tf.layers.reLU(),
      tf.layers.simpleRNN({ units: 2, activation: 'relu' }), // relu inside a recurrence, not at the output
    ];
    const entry = (l: tf.layers.Layer) => ({ className: l.getClassName(), config: l.getConfig() });
    for (const l of relu) expect([hasFusedActivation(l), hasFusedRelu(l), hasFusedRelu(entry(l))], l.getClassName()).toEqual([true, true, true]);
    for (const l of hiddenNotRelu) expect([hasFusedActivation(l), hasFusedActivation(entry(l)), hasFusedRelu(l)]).toEqual([true, true, false]);
    for (const l of no) expect([hasFusedActivation(l), hasFusedRelu(l)], l.getClassName()).toEqual([false, false]);
  });
});

describe('isReluLayer', () => {
  it('is exactly ReLU: ReLU without maxValue or Activation(relu)', () => {
    expect(isReluLayer(tf.layers.reLU())).toBe(true);
    expect(isReluLayer(tf.layers.activation({ activation: 'relu' }))).toBe(true);
    expect(isReluLayer(tf.layers.reLU({ maxValue: 6 }))).toBe(false);
    expect(isReluLayer(tf.layers.activation({ activation: 'relu6' }))).toBe(false);
    expect(isReluLayer(new SugarReLU())).toBe(false);
    expect(isReluLayer(tf.layers.leakyReLU())).toBe(false);
  });
});

describe('activationLayers', () => {
  it('lists a model’s activation layers in layer order', () => {
    const m = mlp();
    expect(activationLayers(m).map((l) => l.getClassName())).toEqual(['Activation', 'ReLU']);
    const cnn = residualCnn();
    expect(activationLayers(cnn).map((l) => l.name)).toEqual(['relu_a', 'relu_out']);
    [m, cnn].forEach((x) => x.dispose());
  });

  it('finds the SugarReLU layers sugarize split out of Dense(relu), whatever they are named', () => {
    const s = sugarize(mlp(), { name: 'bsilu' });
    const found = activationLayers(s);
    expect(found).toHaveLength(3);
    expect(found.every((l) => l instanceof SugarReLU)).toBe(true);
    expect(found[0].name).toMatch(/_sugar$/);
    s.dispose();
  });

  it('looks inside nested models only when asked', () => {
    const inner = mlp();
    const input = tf.input({ shape: [6] });
    const out = tf.layers.reLU({ name: 'outer_relu' }).apply(inner.apply(input)) as tf.SymbolicTensor;
    const outer = tf.model({ inputs: input, outputs: out });
    expect(activationLayers(outer).map((l) => l.name)).toEqual(['outer_relu']);
    expect(activationLayers(outer, { nested: true }).map((l) => l.getClassName())).toEqual(['Activation', 'ReLU', 'ReLU']);
    outer.dispose();
  });
});

describe('activationLayers with fused activations', () => {
  it('lists Dense/Conv layers with a fused relu only when asked, nested ones with nested', () => {
    const cnn = fusedConvNet();
    expect(activationLayers(cnn)).toEqual([]);
    expect(activationLayers(cnn, { fused: true }).map((l) => l.getClassName())).toEqual(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv1D']);
    const nested = nestedFusedMlp('functional');
    expect(activationLayers(nested, { fused: true }).map((l) => l.getClassName())).toEqual(['Dense']);
    expect(activationLayers(nested, { fused: true, nested: true }).map((l) => l.getClassName())).toEqual(['Dense', 'Dense', 'Dense']);
    [cnn, nested].forEach((m) => m.dispose());
  });
});

describe('describeLayers', () => {
  it('names each layer class with its activation, nested models in brackets', () => {
    const inner = tf.sequential({ name: 'inner', layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'tanh' }), tf.layers.reLU()] });
    const outer = tf.sequential({ layers: [inner, tf.layers.dense({ units: 2, activation: 'softmax' })] });
    expect(describeLayers(outer)).toBe('inner[Dense(tanh), ReLU], Dense(softmax)');
    outer.dispose();
  });
});

describe('SugarReLU.setSurrogate', () => {
  const X = [-3, -1, -0.25, 0.5, 2];
  const gradOf = (layer: tf.layers.Layer) =>
    tf.tidy(() =>
      Array.from(
        tf
          .grad((v: tf.Tensor) => layer.apply(v) as tf.Tensor)(tf.tensor1d(X))
          .dataSync(),
      ),
    );

  it('swaps the backward pass and keeps the forward pass ReLU', () => {
    const layer = new SugarReLU({ surrogate: { name: 'bsilu' } });
    const bsilu = gradOf(layer);
    layer.setSurrogate({ name: 'relu' });
    expect(layer.surrogate.toString()).toBe(getSurrogate('relu').toString());
    expect(gradOf(layer)).toEqual(X.map((x) => (x > 0 ? 1 : 0)));
    expect(layer.getConfig().surrogate).toEqual({ name: 'relu' });
    const y = tf.tidy(() => Array.from((layer.apply(tf.tensor1d(X)) as tf.Tensor).dataSync()));
    expect(y).toEqual(X.map((x) => Math.max(0, x)));
    layer.setSurrogate(getSurrogate('bsilu'));
    expect(gradOf(layer)).toEqual(bsilu);
  });

  it('checks the new surrogate like the constructor does and keeps the old one on error', () => {
    const layer = new SugarReLU({ surrogate: { name: 'nelu', alpha: 0.1 } });
    expect(() => layer.setSurrogate({ name: 'bsiluu' })).toThrow(SurrogateError);
    expect(() => layer.setSurrogate({ name: 'bsilu', alpha: -1 })).toThrow(/alpha must be > 0/);
    expect(layer.surrogate.toString()).toBe('nelu(alpha=0.1)');
  });

  it('has no writable surrogate field', () => {
    const layer = new SugarReLU();
    expect(() => {
      (layer as unknown as { surrogate: unknown }).surrogate = getSurrogate('relu');
    }).toThrow(TypeError);
  });
});

import { tf, type ActivationSpec } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationLayerNames, buildModel, countParams, getModelInfo, ModelConfigError, modelOptions } from './index';
import { BLOCK_BACKENDS, fileRoundTrip, onBackend, seeded } from './test-utils/blocks';
import { ACTIVATIONS, RELU, SUGAR, useCpu } from './test-utils/setup';

const FASHION = { inputShape: [28, 28, 1], numClasses: 10, seed: 0 };
// Training checks run on 12x12 crops (same layers, 3x3 after the pools): the pure-JS backend is slow on 28x28.
const SMALL = { inputShape: [12, 12, 1], width: 4, hidden: 16 };

function build(opts: Record<string, unknown> = {}, activation: ActivationSpec = RELU): tf.LayersModel {
  return buildModel('vgg-small', { activation, ...FASHION, ...opts });
}

/** Cross-entropy of `steps` SGD steps on one fixed batch, and the weights whose first gradient is zero. */
function train(model: tf.LayersModel, x: tf.Tensor, labels: number[], steps: number, lr = 0.05): { losses: number[]; zeroGrads: string[] } {
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
  const opt = tf.train.sgd(lr);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  const zeroGrads: string[] = [];
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, model.apply(x, { training: true }) as tf.Tensor),
        vars,
      );
      if (i === 0) for (const v of vars) if (tf.max(tf.abs(grads[v.name])).dataSync()[0] === 0) zeroGrads.push(v.name);
      losses.push(value.dataSync()[0]);
      opt.applyGradients(grads);
    });
  }
  tf.dispose(y);
  opt.dispose();
  return { losses, zeroGrads };
}

describe('vgg-small', () => {
  beforeAll(useCpu);

  it('is registered with its option schema, in the vgg family', () => {
    expect(getModelInfo('vgg-small')).toMatchObject({ family: 'vgg' });
    expect(modelOptions('vgg-small')).toMatchObject({ stages: { default: 2 }, width: { default: 16 }, convs: { default: 2 }, hidden: { default: 128 } });
  });

  it('takes 28x28 inputs: two stages of two convs pool to 7x7, logits [batch, 10]', () => {
    const m = build();
    expect(m.getLayer('block1_pool').outputShape).toEqual([null, 14, 14, 16]);
    expect(m.getLayer('block2_pool').outputShape).toEqual([null, 7, 7, 32]);
    expect(m.getLayer('head_dense1').outputShape).toEqual([null, 128]);
    expect(m.outputs[0].shape).toEqual([null, 10]);
    expect(activationLayerNames(m)).toEqual(['block1_act1', 'block1_act2', 'block2_act1', 'block2_act2', 'head_act1']);
    // By hand: convs 1*16*9 + 16*16*9 + 16*32*9 + 32*32*9 (no bias under BN), BN gamma+beta 2*(16+16+32+32),
    // head 7*7*32*128 + 128, fc 128*10 + 10; BN moving mean/variance are the non-trainable 192.
    expect(countParams(m)).toEqual({ trainable: 218_586, nonTrainable: 192, total: 218_778 });
    m.dispose();
  });

  it('follows stages, width, convs, hidden, batchNorm and convBias', () => {
    const m = build({ stages: 3, width: 4, convs: 1, hidden: 0, batchNorm: false });
    expect(m.getLayer('block3_pool').outputShape).toEqual([null, 3, 3, 16]);
    expect(activationLayerNames(m)).toEqual(['block1_act1', 'block2_act1', 'block3_act1']);
    expect(m.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect((m.getLayer('block1_conv1').getConfig() as { useBias: boolean }).useBias).toBe(true);
    expect(m.layers.map((l) => l.name).slice(-2)).toEqual(['flatten', 'fc']);
    m.dispose();
    const withBias = build({ convBias: true, dropout: 0.3 });
    expect((withBias.getLayer('block1_conv1').getConfig() as { useBias: boolean }).useBias).toBe(true);
    expect(withBias.getLayer('head_dropout1').getClassName()).toBe('Dropout');
    withBias.dispose();
  });

  it('refuses inputs too small for its pools and bad options, naming the option', () => {
    expect(() => build({ stages: 5 })).toThrow(/vgg-small: option 'inputShape' must be height and width >= 32 \(5 2x2 max-pools\)/);
    expect(() => build({ width: 0 })).toThrow(ModelConfigError);
    expect(() => build({ width: 1.5 })).toThrow(/'width' must be an integer >= 1/);
    expect(() => build({ widht: 8 })).toThrow(/unknown option 'widht'.*did you mean 'width'\?/);
    expect(() => buildModel('vgg-small', { activation: RELU, inputShape: [784], numClasses: 10, seed: 0 })).toThrow(/'inputShape' must be rank 3/);
  });

  it.each(ACTIVATIONS)('%s: one SGD step gives every weight a gradient, with flat tensor counts', (_, spec) => {
    const m = build(SMALL, spec);
    const x = seeded([4, 12, 12, 1], 3);
    train(m, x, [0, 1, 2, 3], 1); // tfjs makes its internal tensors on the first step
    const before = tf.memory().numTensors;
    const { zeroGrads, losses } = train(m, x, [0, 1, 2, 3], 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(zeroGrads).toEqual([]);
    expect(losses.every(Number.isFinite)).toBe(true);
    x.dispose();
    m.dispose();
  });

  it('same seed, same weights; another seed, other weights', () => {
    const weights = (seed: number) => {
      const m = buildModel('vgg-small', { activation: RELU, ...FASHION, seed, width: 4 });
      const w = Array.from(m.getLayer('block1_conv1').getWeights()[0].dataSync());
      m.dispose();
      return w;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('trains on a fixed batch and predicts the same after save/load, on cpu, wasm and tensorflow', async () => {
    let ran = 0;
    for (const backend of BLOCK_BACKENDS) {
      if (!(await onBackend(backend))) continue;
      ran++;
      const m = build(SMALL, SUGAR);
      const x = seeded([8, 12, 12, 1], 5);
      const { losses } = train(m, x, [0, 1, 2, 3, 4, 5, 6, 7], 10);
      expect(losses[losses.length - 1], `${backend}: loss falls (${losses.map((l) => l.toFixed(3)).join(',')})`).toBeLessThan(losses[0]);
      const back = await fileRoundTrip(m);
      const [a, b] = [m, back].map((model) => tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync())));
      expect(b, `${backend}: predictions after save/load`).toEqual(a);
      expect(activationLayerNames(back)).toEqual(activationLayerNames(m));
      expect(back.getLayer('block1_act1').getClassName()).toBe('SugarReLU');
      tf.dispose(x);
      [m, back].forEach((model) => model.dispose());
    }
    expect(ran).toBeGreaterThan(1);
    await useCpu();
  });
});

import { sugarize, tf, type ActivationSpec } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { activationLayerNames, buildModel, ModelConfigError } from './index';
import { BLOCK_BACKENDS, fileRoundTrip, onBackend, seeded } from './test-utils/blocks';
import { GELU, RELU, SUGAR } from './test-utils/setup';

const NELU: ActivationSpec = { kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.1 } };

// Small variants of the three families (a few thousand weights), so every backend steps them in well under a second.
const SMALL: [string, Record<string, unknown>, number[], number][] = [
  ['convnext-atto', { width: 0.1 }, [16, 16, 3], 12],
  ['vit-tiny', { width: 1 / 16, depth: 2 }, [8, 8, 3], 2],
  // Swin at 32x32: on a smaller map the last stage is 1x1, where softmax over one token gives q, k and the bias table no gradient.
  ['swin-tiny', { width: 0.125 }, [32, 32, 3], 12],
];

function build(name: string, extra: Record<string, unknown>, shape: number[], activation: ActivationSpec, seed = 1): tf.LayersModel {
  return buildModel(name, { activation, inputShape: shape, numClasses: 3, seed, ...extra });
}

/** Loss of `steps` Adam steps on one fixed batch, and the weights whose first gradient is zero. */
function train(model: tf.LayersModel, opt: tf.Optimizer, shape: number[], steps: number): { losses: number[]; zeroGrads: string[] } {
  const x = seeded([4, ...shape], 3);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3));
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
  tf.dispose([x, y]);
  return { losses, zeroGrads };
}

describe.each(SMALL)('%s (small)', (name, extra, shape, blocks) => {
  it('trains, saves and loads on cpu, wasm and tensorflow, with flat tensor counts', async () => {
    let ran = 0;
    for (const backend of BLOCK_BACKENDS) {
      if (!(await onBackend(backend))) continue;
      ran++;
      const model = build(name, extra, shape, NELU);
      const opt = tf.train.adam(1e-3);
      train(model, opt, shape, 1); // the optimizer's slots are made on the first step
      const before = tf.memory().numTensors;
      const { losses, zeroGrads } = train(model, opt, shape, 8);
      expect(tf.memory().numTensors, `${backend}: tensors after 8 more steps`).toBe(before);
      opt.dispose();
      expect(zeroGrads, `${backend}: weights without gradient`).toEqual([]);
      expect(losses.every(Number.isFinite), `${backend}: finite losses ${losses.join(',')}`).toBe(true);
      expect(losses[losses.length - 1], `${backend}: loss falls on a fixed batch (${losses.map((l) => l.toFixed(3)).join(',')})`).toBeLessThan(losses[0]);
      const x = seeded([2, ...shape], 5);
      const back = await fileRoundTrip(model);
      const [a, b] = [model, back].map((m) => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync())));
      expect(b, `${backend}: predictions after save/load`).toEqual(a);
      expect(activationLayerNames(back)).toEqual(activationLayerNames(model));
      tf.dispose(x);
      [model, back].forEach((m) => m.dispose());
    }
    expect(ran).toBeGreaterThan(1);
  });

  it('puts the activation spec at every MLP position; GELU when none is given', async () => {
    await onBackend('cpu');
    for (const [spec, cls] of [
      [RELU, 'ReLU'],
      [SUGAR, 'SugarReLU'],
      [NELU, 'SugarReLU'],
      [GELU, 'Activation'],
      [undefined, 'Activation'],
    ] as const) {
      const m = buildModel(name, { inputShape: shape, numClasses: 3, seed: 0, ...extra, ...(spec ? { activation: spec } : {}) } as never);
      const names = activationLayerNames(m);
      expect(names).toHaveLength(blocks);
      expect(new Set(names.map((n) => m.getLayer(n).getClassName()))).toEqual(new Set([cls]));
      if (!spec) expect((m.getLayer(names[0]).getConfig() as { activation: string }).activation).toBe('gelu');
      m.dispose();
    }
  });

  it("sugarize turns a ReLU build's activations into SugarReLU, weights and outputs kept", async () => {
    await onBackend('cpu');
    const m = build(name, extra, shape, RELU);
    const s = sugarize(m, { name: 'nelu', alpha: 0.1 });
    expect(new Set(activationLayerNames(s).map((n) => s.getLayer(n).getClassName()))).toEqual(new Set(['SugarReLU']));
    const x = seeded([2, ...shape], 6);
    const [a, b] = [m, s].map((n) => tf.tidy(() => Array.from((n.predict(x) as tf.Tensor).dataSync())));
    expect(b).toEqual(a);
    tf.dispose(x);
    [m, s].forEach((n) => n.dispose());
  });

  it('same seed, same weights; different seed, different weights', async () => {
    await onBackend('cpu');
    const [a, b, c] = [1, 1, 2].map((seed) => build(name, extra, shape, RELU, seed));
    const w = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('modern model options', () => {
  it('are checked before anything is built, naming the model and option', () => {
    const base = { activation: RELU, inputShape: [32, 32, 3], numClasses: 10, seed: 0 };
    expect(() => buildModel('convnext-atto', { ...base, dropPath: 1 })).toThrow("convnext-atto: option 'dropPath' must be a number in [0, 1); found 1");
    expect(() => buildModel('convnext-atto', { ...base, widht: 2 } as never)).toThrow(/unknown option 'widht'; known options: .*; did you mean 'width'/);
    expect(() => buildModel('convnext-atto', { ...base, inputShape: [8, 8, 3] })).toThrow(
      "convnext-atto: option 'inputShape' must be height and width >= 8 x patchSize 2 (three 2x2 downsamplings after the stem); found [8,8,3]",
    );
    expect(() => buildModel('swin-tiny', { ...base, inputShape: [28, 28, 1] })).toThrow(
      /'inputShape' must be height and width divisible by 8 x patchSize = 16/,
    );
    expect(() => buildModel('vit-tiny', { ...base, patchSize: 0 })).toThrow(ModelConfigError);
    expect(() => buildModel('vit-tiny', { ...base, inputShape: [2, 2, 3] })).toThrow(/'inputShape' must be height and width >= patchSize 4/);
  });

  it('stage resolutions for 32x32: ConvNeXt and Swin at 16, 8, 4, 2; ViT with 8x8 patches + class token', async () => {
    await onBackend('cpu');
    const base = { activation: RELU, inputShape: [32, 32, 3], numClasses: 10, seed: 0 };
    const c = buildModel('convnext-atto', { ...base, width: 0.1 });
    expect(['stage1_block1_act', 'stage2_block1_act', 'stage3_block1_act', 'stage4_block1_act'].map((n) => c.getLayer(n).outputShape)).toEqual([
      [null, 16, 16, 16],
      [null, 8, 8, 32],
      [null, 4, 4, 64],
      [null, 2, 2, 128],
    ]);
    const s = buildModel('swin-tiny', { ...base, width: 0.125 });
    expect(['stage1_block1_act', 'stage4_block2_act'].map((n) => s.getLayer(n).outputShape)).toEqual([
      [null, 16, 16, 48],
      [null, 2, 2, 384],
    ]);
    const v = buildModel('vit-tiny', { ...base, width: 1 / 16, depth: 1 });
    expect(v.getLayer('block1_act').outputShape).toEqual([null, 65, 48]);
    [c, s, v].forEach((m) => m.dispose());
  });
});

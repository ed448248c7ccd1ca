import { tf, type ActivationSpec } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './index';
import { ACTIVATIONS, useCpu } from './test-utils/setup';

beforeAll(useCpu);

const BATCH = 4;
const CLASSES = 3;

// Small variants that run quickly on the cpu backend.
const MODELS: [string, (a: ActivationSpec) => tf.LayersModel, number[]][] = [
  [
    'mlp (bn, dropout)',
    (a) => buildModel('mlp', { activation: a, inputShape: [6], numClasses: CLASSES, seed: 1, depth: 3, width: 8, batchNorm: true, dropout: 0.2 }),
    [6],
  ],
  ['mlp', (a) => buildModel('mlp', { activation: a, inputShape: [4, 4, 1], numClasses: CLASSES, seed: 1, depth: 2, width: 8 }), [4, 4, 1]],
  ['resnet18 x0.125', (a) => buildModel('resnet18', { activation: a, inputShape: [8, 8, 3], numClasses: CLASSES, seed: 1, width: 0.125 }), [8, 8, 3]],
  [
    'vgg11 x0.125 mlp head',
    (a) => buildModel('vgg11', { activation: a, inputShape: [32, 32, 3], numClasses: CLASSES, seed: 1, width: 0.125, head: 'mlp' }),
    [32, 32, 3],
  ],
];

describe.each(MODELS)('%s: forward and one SGD step', (_, build, shape) => {
  it.each(ACTIVATIONS)('%s: logits [batch, classes], a gradient for every trainable weight', (_a, spec) => {
    const model = build(spec);
    const x = tf.randomNormal([BATCH, ...shape], 0, 1, 'float32', 7);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), CLASSES);
    const opt = tf.train.sgd(0.1);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = tf.memory().numTensors;

    const { norms, shapeOut, changed } = tf.tidy(() => {
      const loss = () => {
        const logits = model.apply(x, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, logits);
      };
      const logits = model.predict(x) as tf.Tensor;
      const { grads } = tf.variableGrads(loss, vars);
      const old = vars.map((v) => v.clone());
      opt.applyGradients(grads);
      return {
        shapeOut: logits.shape,
        norms: vars.map((v) => ({ name: v.name, n: tf.max(tf.abs(grads[v.name])).dataSync()[0] })),
        changed: vars.map((v, i) => tf.any(tf.notEqual(v, old[i])).dataSync()[0] === 1),
      };
    });

    expect(tf.memory().numTensors).toBe(before);
    expect(shapeOut).toEqual([BATCH, CLASSES]);
    expect(norms.length).toBe(model.trainableWeights.length);
    for (const { name, n } of norms) expect(n, `gradient of ${name}`).toBeGreaterThan(0);
    for (const n of norms) expect(Number.isFinite(n.n)).toBe(true);
    expect(changed.every(Boolean)).toBe(true);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  });
});

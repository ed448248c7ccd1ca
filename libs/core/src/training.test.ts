import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, sugarize, tf } from './index';
import { TEST_BACKENDS, useBackend } from './test-utils/backends';
import { mlp, residualCnn } from './test-utils/models';

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

// A separable 3-class problem: the class is the argmax of three fixed projections.
function blobs(n: number, dims: number[], seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, ...dims], 0, 1, 'float32', seed);
    const flat = tf.reshape(x, [n, -1]);
    const proj = tf.randomNormal([flat.shape[1]!, 3], 0, 1, 'float32', seed + 1);
    const y = tf.oneHot(tf.argMax(tf.matMul(flat, proj), 1), 3);
    return { x, y };
  });
}

const loss = (m: tf.LayersModel, x: tf.Tensor, y: tf.Tensor) => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, m.predict(x) as tf.Tensor);

describe.each(TEST_BACKENDS)('training a sugarized model on %s', (backend) => {
  it('model.fit lowers the loss', async (ctx) => {
    if (await useBackend(backend)) return ctx.skip();
    const { x, y } = blobs(64, [6], 11);
    const model = sugarize(mlp(2), { name: 'bsilu' });
    // compile's loss expects probabilities; the MLP outputs logits, so add the softmax here.
    const probs = tf.sequential({ layers: [model, tf.layers.softmax()] });
    probs.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
    const history = await probs.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    tf.dispose([x, y]);
  });

  it('a custom optimizer.minimize loop lowers the loss and leaks no tensors', async (ctx) => {
    if (await useBackend(backend)) return ctx.skip();
    const { x, y } = blobs(48, [6], 21);
    const model = sugarize(mlp(3), { kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.1 }, region: 'negative' });
    const opt = tf.train.sgd(0.2);
    const step = () => {
      const l = opt.minimize(() => loss(model, x, y), true)!;
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const first = step(); // creates the optimizer's state
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 30; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first * 0.7);
    tf.dispose([x, y]);
  });

  it('a residual CNN trains (conv gradients; on wasm through the registered kernels)', async (ctx) => {
    if (await useBackend(backend)) return ctx.skip();
    const { x, y } = blobs(16, [8, 8, 2], 31);
    const model = sugarize(residualCnn(4), { name: 'bsilu' });
    const opt = tf.train.adam(0.02);
    const losses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const l = opt.minimize(() => loss(model, x, y), true)!;
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    tf.dispose([x, y]);
  });
});

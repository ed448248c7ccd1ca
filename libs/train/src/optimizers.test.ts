import { hasKernel, initBackend, setNativeOpsEnabled, SUGAR_ADAM_STEP, tf } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTrainConfig, type OptimizerConfig } from './config';
import { Optimizer } from './optimizers';

// loss = 0.5 * sum(a * w²), a = [1, 3], w0 = [1, -2]; three steps at lr 0.1. Reference values: a float64
// numpy implementation of the algorithms as PyTorch documents them (torch.optim.SGD / Adam / AdamW).
function run(o: OptimizerConfig, steps = 3): number[] {
  return tf.tidy(() => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const a = tf.tensor1d([1, 3]);
    const opt = new Optimizer(resolveTrainConfig({ epochs: 1, batchSize: 1, optimizer: o }).optimizer, [{ variable: w, decay: true }]);
    for (let i = 0; i < steps; i++) {
      const { grads } = tf.variableGrads(() => tf.mul<tf.Scalar>(0.5, tf.sum(tf.mul(a, tf.square(w)))), [w]);
      opt.apply(grads, o.lr);
      tf.dispose(grads);
    }
    const out = Array.from(w.dataSync());
    opt.dispose();
    w.dispose();
    return out;
  });
}

const expectClose = (got: number[], want: number[]) => want.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 6));

describe('Optimizer', () => {
  it('plain SGD: w (1 - lr a)^t (hand-worked)', () => {
    expectClose(run({ name: 'sgd', lr: 0.1 }), [0.9 ** 3, -2 * 0.7 ** 3]);
  });
  it('SGD with momentum and weight decay', () => {
    expectClose(run({ name: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.01 }), [0.481324499, 0.561992202]);
  });
  it('SGD with Nesterov momentum', () => {
    expectClose(run({ name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true }), [0.327321, 0.696346]);
  });
  it('Adam, with and without L2 weight decay', () => {
    expectClose(run({ name: 'adam', lr: 0.1 }), [0.701586274504415, -1.7006233917912488]);
    expectClose(run({ name: 'adam', lr: 0.1, weightDecay: 0.1 }), [0.7015862742210723, -1.7006233917747833]);
  });
  it('AdamW: decoupled weight decay', () => {
    expectClose(run({ name: 'adamw', lr: 0.1, weightDecay: 0.1 }), [0.6751012231892007, -1.6443686833067828]);
  });

  it('saves and restores its state so that the next steps are bit-identical', () => {
    const cfg = resolveTrainConfig({ epochs: 1, batchSize: 1, optimizer: { name: 'adamw', lr: 0.05 } }).optimizer;
    const grad = (w: tf.Variable) => ({ [w.name]: tf.mul(w, tf.tensor1d([1, 3])) });
    const w1 = tf.variable(tf.tensor1d([1, -2]));
    const o1 = new Optimizer(cfg, [{ variable: w1, decay: true }]);
    for (let i = 0; i < 2; i++) tf.tidy(() => o1.apply(grad(w1), 0.05));
    const w2 = tf.variable(w1.clone());
    const o2 = new Optimizer(cfg, [{ variable: w2, decay: true }]);
    o2.setState(o1.step, o1.getSlots());
    expect(o2.getSlots().map((s) => s.name)).toEqual(['m/0', 'v/0']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => o1.apply(grad(w1), 0.05));
      tf.tidy(() => o2.apply(grad(w2), 0.05));
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
    expect(() => o2.setState(1, [{ name: 'm/0', tensor: tf.zeros([3]) }])).toThrow(/slot 'm\/0' expected shape \[2\]; found \[3\]/);
  });
});

// On tensorflow with sugar-lab's native kernels, each weight's step is one native op (SugarAdam / SugarSgd):
// the same float32 operations in the same order, so the same bits as the tfjs ops, step after step.
describe('Optimizer: native steps on tensorflow', () => {
  const configs: OptimizerConfig[] = [
    { name: 'sgd', lr: 0.05 },
    { name: 'sgd', lr: 0.05, weightDecay: 0.01 },
    { name: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 0.01 },
    { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true },
    { name: 'adam', lr: 0.01 },
    { name: 'adam', lr: 0.01, weightDecay: 0.1, beta1: 0.8, eps: 1e-6 },
    { name: 'adamw', lr: 0.01, weightDecay: 0.05 },
  ];

  // A small regression with one decayed and one undecayed weight; the weights' bits after `steps` updates.
  function train(o: OptimizerConfig, steps = 6): Uint32Array[] {
    return tf.tidy(() => {
      const w = tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 3));
      const b = tf.variable(tf.randomNormal([5], 0, 1, 'float32', 4));
      const x = tf.randomNormal([16, 7], 0, 1, 'float32', 5);
      const y = tf.randomNormal([16, 5], 0, 1, 'float32', 6);
      const opt = new Optimizer(resolveTrainConfig({ epochs: 1, batchSize: 16, optimizer: o }).optimizer, [
        { variable: w, decay: true },
        { variable: b, decay: false },
      ]);
      for (let i = 0; i < steps; i++) {
        const { grads } = tf.variableGrads(() => tf.mean<tf.Scalar>(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))), [w, b]);
        opt.apply(grads, o.lr * (1 + i / 10));
        tf.dispose(grads);
      }
      const out = [w, b, ...opt.getSlots().map((s) => s.tensor)].map((t) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
      opt.dispose();
      tf.dispose([w, b]);
      return out;
    });
  }

  it.each(configs)('%j: bit-identical to the tfjs ops, optimizer state included, no tensor left behind', async (o, ctx) => {
    if ((await initBackend('tensorflow', { quiet: true })) !== 'tensorflow' || !hasKernel(SUGAR_ADAM_STEP)) return ctx.skip();
    const before = tf.memory().numTensors;
    const native = train(o);
    expect(tf.memory().numTensors).toBe(before);
    const prev = setNativeOpsEnabled(false);
    try {
      expect(hasKernel(SUGAR_ADAM_STEP)).toBe(false);
      const plain = train(o);
      expect(native.length).toBe(plain.length);
      native.forEach((t, i) => expect(Array.from(t), `tensor ${i}`).toEqual(Array.from(plain[i])));
    } finally {
      setNativeOpsEnabled(prev);
    }
  });

  afterAll(async () => {
    await initBackend('cpu', { quiet: true });
  });
});

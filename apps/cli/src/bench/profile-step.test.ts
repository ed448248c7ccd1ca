import { initBackend, nativeOpsInfo, tf } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { profileTrainingStep } from './profile-step';
import { formatProfile } from './profile-table';
import { bestOf, formatSweepTiming } from './reference';
import { referenceModel } from './reference-models';

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

function tinyMlp(): tf.LayersModel {
  const x = tf.input({ shape: [8] });
  const h = tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({
    inputs: x,
    outputs: tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tf.SymbolicTensor,
  });
}

describe('sugar bench --profile', () => {
  for (const backend of ['cpu', 'wasm', 'tensorflow'] as const) {
    it(`splits a step on ${backend} into kernels by op, dispatch, transfer and JS that add up to its wall time`, async (ctx) => {
      if ((await initBackend(backend, { quiet: true })) !== backend) return ctx.skip();
      const model = tinyMlp();
      const before = tf.memory().numTensors;
      const p = await profileTrainingStep(model, 32, 10, 2, 3);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      expect(p.kernelCount).toBe(p.ops.reduce((n, o) => n + o.count, 0));
      expect(p.kernelMs).toBeCloseTo(
        p.ops.reduce((n, o) => n + o.ms, 0),
        9,
      );
      expect(p.kernelMs + p.transferMs + p.dispatchMs + p.jsMs).toBeCloseTo(p.wallMs, 9);
      // The batch is uploaded every step (x 32x8 and y 32x3 floats), the loss and correct count read once; the cpu
      // backend's tensors live in JS memory, with nothing to transfer.
      if (backend !== 'cpu') {
        expect(p.uploadBytes).toBeGreaterThanOrEqual(32 * 11 * 4);
        expect(p.reads).toBeGreaterThanOrEqual(1);
      }
      const ops = p.ops.map((o) => o.op);
      expect(ops.some((o) => /MatMul/.test(o))).toBe(true);
      expect(ops.every((o) => tf.getKernel(o, backend) !== undefined)).toBe(true);
      const text = formatProfile({ ...p, backend, model: 'mlp', activation: 'relu', batch: 32 });
      expect(text).toMatch(new RegExp(`^${backend} mlp relu \\(batch 32\\): .* ms per step, ${p.kernelCount} kernels`));
      expect(text).toMatch(/by op: .*MatMul x\d+/);
    }, 60_000);
  }

  it('profiles the fused native step where fit takes it (a plain MLP on tensorflow with the native kernels)', async (ctx) => {
    if ((await initBackend('tensorflow', { quiet: true })) !== 'tensorflow' || !nativeOpsInfo()?.loaded) return ctx.skip();
    const model = referenceModel('mlp', { kind: 'sugar', surrogate: { name: 'bsilu' } });
    const p = await profileTrainingStep(model, 16, 4, 1, 2);
    model.dispose();
    expect(p.ops.map((o) => o.op)).toContain('SugarPackedMlpStep');
    expect(p.ops.find((o) => o.op === 'SugarPackedMlpStep')!.count).toBe(1);
  }, 60_000);
});

describe('sugar bench --reference', () => {
  it('keeps the fastest round of each configuration', () => {
    expect(bestOf([{ a: 3, b: 1 }, { a: 2, b: 5 }, { c: 4 }])).toEqual({ a: 2, b: 1, c: 4 });
  });

  it('prints both sweep times and their ratio', () => {
    const line = formatSweepTiming({
      preset: 'quick',
      runs: 12,
      sugarSeconds: 16.3,
      parallelism: 'wasm: one worker per core on 2 cores',
      backend: 'wasm',
      torchSeconds: 8.7,
      torch: '2.13.0+cpu',
      torchProcs: 2,
      torchThreads: 1,
    });
    expect(line).toBe(
      'sweep quick (12 runs): sugar run 16.3 s on wasm [wasm: one worker per core on 2 cores]; PyTorch script 8.7 s (torch 2.13.0+cpu, 2 processes x 1 thread); sugar / torch x1.87',
    );
  });
});

import { initBackend } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import type { PlannedRun } from './grid';
import { modelSize, planParallelism, workerThreadEnv } from './parallelism';

const run = (model: Record<string, unknown>, backend?: string): PlannedRun => ({
  id: 'x',
  config: { model, backend } as unknown as PlannedRun['config'],
  point: {},
  variant: 'v',
  seed: 0,
});

const quick = Array.from({ length: 12 }, () => run({ name: 'mlp', depth: 12, width: 24 }, 'wasm'));
const cnn = Array.from({ length: 4 }, () => run({ name: 'vgg-small' }));

describe('planParallelism', () => {
  it('tells per-op-bound MLPs from compute-bound models', () => {
    expect(modelSize(run({ name: 'mlp', depth: 12, width: 24 }))).toBe('small');
    expect(modelSize(run({ name: 'mlp', depth: 3, width: 512 }))).toBe('large');
    expect(modelSize(run({ name: 'resnet18' }))).toBe('large');
  });

  it('runs one single-threaded worker per core for small MLPs, on any backend', () => {
    expect(planParallelism(quick, { cores: 8, env: {} })).toMatchObject({ workers: 8, threads: 1 });
    expect(planParallelism(quick, { cores: 8, backend: 'tensorflow', env: {} })).toMatchObject({ workers: 8, threads: 1 });
    expect(planParallelism(quick.slice(0, 3), { cores: 8, env: {} })).toMatchObject({ workers: 3, threads: 2 });
  });

  it('gives compute-bound models on tensorflow one single-threaded worker per core too, as measured', () => {
    const p = planParallelism(cnn, { cores: 2, env: {} });
    expect(p).toMatchObject({ workers: 2, threads: 1 });
    expect(p.why).toMatch(/compute-bound models on tensorflow: 2 workers on 2 cores, 1 intra-op thread each/);
    expect(planParallelism(cnn, { cores: 8, env: {} })).toMatchObject({ workers: 4, threads: 2 }); // 4 runs on 8 cores
    expect(planParallelism(cnn, { cores: 2, backend: 'wasm', env: {} })).toMatchObject({ workers: 2, threads: 1 });
  });

  it('keeps an explicit worker count and splits the cores between those workers', () => {
    expect(planParallelism(quick, { cores: 8, workers: 2, env: {} })).toMatchObject({ workers: 2, threads: 4 });
    expect(planParallelism(quick, { cores: 8, workers: 2, env: {} }).why).toMatch(/2 workers as asked on 8 cores/);
  });

  it("passes the plan to workers unless the user's SUGAR_THREADS / TF_NUM_INTRAOP_THREADS say otherwise", () => {
    const plan = { workers: 2, threads: 4, why: '' };
    expect(workerThreadEnv(plan, {})).toEqual({ SUGAR_WORKERS: '2', SUGAR_THREADS: '4' });
    expect(workerThreadEnv(plan, { SUGAR_THREADS: '1' })).toEqual({ SUGAR_WORKERS: '2' });
    expect(workerThreadEnv(plan, { TF_NUM_INTRAOP_THREADS: '3' })).toEqual({ SUGAR_WORKERS: '2' });
    expect(planParallelism(cnn, { cores: 2, backend: 'tensorflow', env: { SUGAR_THREADS: '1' } }).why).toMatch(/1 intra-op thread each \(SUGAR_THREADS\)/);
    expect(() => planParallelism(cnn, { env: { SUGAR_THREADS: '0' } })).toThrow(/SUGAR_THREADS must be a positive integer/);
  });

  it("does not mistake the thread variables this process wrote for its own tensorflow for the user's", async (ctx) => {
    if (process.env.TF_NUM_INTRAOP_THREADS || process.env.SUGAR_THREADS) return ctx.skip();
    if ((await initBackend('tensorflow', { quiet: true })) !== 'tensorflow') return ctx.skip();
    expect(process.env.TF_NUM_INTRAOP_THREADS).toBeDefined(); // written before tfjs-node loaded
    const plan = planParallelism(quick, { cores: 2 });
    expect(plan.why).not.toMatch(/TF_NUM_INTRAOP_THREADS/);
    expect(workerThreadEnv(plan)).toEqual({ SUGAR_WORKERS: '2', SUGAR_THREADS: '1' });
    await initBackend('cpu', { quiet: true });
  });
});

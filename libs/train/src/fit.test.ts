import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import { readJsonl } from './jsonl';
import { withoutTiming, type EpochMetrics, type FitResult } from './metrics';
import { maxRelDiff, tinyRun } from './test-utils/fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-train-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const dir = (name: string) => path.join(tmp, name);
const numbers = (r: FitResult) => r.epochs.map(withoutTiming);

describe('fit', () => {
  it('trains, evaluates and probes every epoch, epoch 0 before training', async () => {
    const r = await tinyRun({}, { backend: 'cpu' });
    expect(r.status).toBe('completed');
    expect(r.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(r.step).toBe(24);
    expect(r.epochs[0].trainLoss).toBeNull();
    const last = r.final!;
    expect(last.evalSplit).toBe('test');
    expect(last.evalLoss).toBeLessThan(r.epochs[0].evalLoss!);
    expect(last.probes!.layers.map((l) => l.layer)).toEqual(['act1', 'act2', 'act3']);
    expect(last.probes!.gradSteps).toBe(3);
    expect(Object.keys(last.probes!.gradNorms!)).toEqual(['dense1', 'dense2', 'dense3', 'fc']);
    expect(last.lr).toBeGreaterThan(0);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`gives bit-identical metrics for the same seed on ${backend} (ReLU and SUGAR)`, async () => {
      for (const activation of [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }]) {
        const a = await tinyRun({}, { backend, activation });
        const b = await tinyRun({}, { backend, activation });
        expect(tf.getBackend()).toBe(backend);
        expect(numbers(b)).toEqual(numbers(a));
      }
      const c = await tinyRun({ seed: 4 }, { backend });
      expect(numbers(c)).not.toEqual(numbers(await tinyRun({}, { backend })));
    });
  }

  it('on tensorflow (when it loads) repeats within 1e-6 relative', async () => {
    if ((await initBackend('tensorflow', { quiet: true })) !== 'tensorflow') return;
    const a = await tinyRun({}, { activation: { kind: 'sugar', surrogate: { name: 'bsilu' } } });
    const b = await tinyRun({}, { activation: { kind: 'sugar', surrogate: { name: 'bsilu' } } });
    const diff = maxRelDiff(numbers(a), numbers(b));
    console.log(`[tensorflow repeatability] max relative difference ${diff}${diff === 0 ? ' (bit-identical)' : ''}`);
    expect(diff).toBeLessThanOrEqual(1e-6);
    await initBackend('cpu', { quiet: true });
  });

  it('keeps tf.memory().numTensors flat across epochs', async () => {
    const counts: number[] = [];
    await tinyRun({ epochs: 5 }, { backend: 'cpu', callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) } });
    // epoch 0 runs before the optimizer has created its moment buffers
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  it('writes one JSON line per epoch and an end line', async () => {
    const logPath = dir('log.jsonl');
    const r = await tinyRun({ logPath, epochs: 2 }, { backend: 'cpu' });
    const lines = readJsonl<{ type: string } & EpochMetrics>(logPath);
    expect(lines.map((l) => l.type)).toEqual(['epoch', 'epoch', 'epoch', 'end']);
    expect(lines[2].trainLoss).toBe(r.final!.trainLoss);
    expect(lines[3]).toMatchObject({ type: 'end', status: 'completed', epoch: 2, step: 12 });
    expect(lines[1].probes!.layers[0].unitProb).toBeUndefined();
  });

  for (const [backend, batchNorm] of [
    ['cpu', false],
    ['wasm', true],
  ] as const) {
    it(`resumes an interrupted run (abort after epoch 2) to the same final metrics on ${backend}${batchNorm ? ' (batch norm)' : ''}`, async () => {
      const run = (extra: object, opts: object = {}) => tinyRun(extra, { backend, batchNorm, ...opts });
      const full = await run({ checkpointDir: dir(`full-${backend}`) });
      const ctl = new AbortController();
      const ck = { checkpointDir: dir(`abort-${backend}`), logPath: dir(`abort-${backend}.jsonl`) };
      const first = await run(ck, { signal: ctl.signal, callbacks: { onEpochEnd: (m: EpochMetrics) => void (m.epoch === 2 && ctl.abort()) } });
      expect(first.status).toBe('interrupted');
      expect(first.final!.epoch).toBe(2);
      // a different initialization proves the weights come from the checkpoint
      const resumed = await run({ ...ck, resume: true }, { modelSeed: 99 });
      expect(resumed.status).toBe('completed');
      expect(resumed.resumedFrom).toBe(2);
      expect(numbers(resumed)).toEqual(numbers(full));
      const log = readJsonl<{ type: string } & EpochMetrics>(ck.logPath);
      expect(log.filter((l) => l.type === 'epoch').map(({ type: _t, ...l }) => withoutTiming(l))).toEqual(numbers(full));
    });
  }

  it('resumes after the process is killed (SIGKILL after epoch 1) to the same final metrics', async () => {
    const ckpt = dir('crash');
    const child = spawnSync(process.execPath, ['-r', './src/test-utils/ts-register.cjs', 'src/test-utils/crash-child.ts', ckpt, dir('crash.jsonl'), '1'], {
      cwd: path.resolve(__dirname, '..'),
      encoding: 'utf8',
      env: { ...process.env, SUGAR_BACKEND: 'cpu' },
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(fs.readFileSync(path.join(ckpt, 'LATEST'), 'utf8').trim()).toBe('epoch-000001');
    const resumed = await tinyRun({ checkpointDir: ckpt, logPath: dir('crash.jsonl'), resume: true }, { backend: 'cpu' });
    const full = await tinyRun({}, { backend: 'cpu' });
    expect(resumed.resumedFrom).toBe(1);
    expect(numbers(resumed)).toEqual(numbers(full));
  });

  it('refuses to resume a checkpoint of another config', async () => {
    await tinyRun({ checkpointDir: dir('other'), epochs: 1 }, { backend: 'cpu' });
    await expect(tinyRun({ checkpointDir: dir('other'), epochs: 1, resume: true, seed: 5 }, { backend: 'cpu' })).rejects.toThrow(CheckpointError);
  });

  it('stops a diverging run with status diverged', async () => {
    const r = await tinyRun({ optimizer: { name: 'sgd', lr: 1e12 }, warmup: undefined, schedule: { kind: 'constant' } }, { backend: 'cpu' });
    expect(r.status).toBe('diverged');
    expect(r.error).toMatch(/loss became (NaN|Infinity) at epoch \d+, batch \d+, step \d+/);
    expect(r.final!.epoch).toBeLessThan(4);
  });

  it('records a failure in a callback as status failed', async () => {
    const r = await tinyRun(
      {},
      {
        backend: 'cpu',
        callbacks: {
          onBatchEnd: (b) => {
            if (b.step === 3) throw new Error('probe exploded');
          },
        },
      },
    );
    expect(r.status).toBe('failed');
    expect(r.error).toBe('Error: probe exploded');
    expect(r.stack).toMatch(/probe exploded\n\s+at .*fit\.test\.ts/);
    expect(r.final!.epoch).toBe(0);
  });

  it('skips the default probes for a model without activation layers', async () => {
    await initBackend('cpu', { quiet: true });
    const input = tf.input({ shape: [2] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor });
    const x = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const y = tf.tensor1d([1, 0], 'int32');
    const { fit } = await import('./fit');
    const r = await fit(model, { train: { x, y } }, { epochs: 1, batchSize: 2, optimizer: { name: 'sgd', lr: 0.1 }, progress: 'none' });
    expect(r.status).toBe('completed');
    expect(r.final!.probes).toBeUndefined();
    await expect(
      fit(model, { train: { x, y } }, { epochs: 1, batchSize: 2, optimizer: { name: 'sgd', lr: 0.1 }, progress: 'none', probes: {} }),
    ).rejects.toThrow(/at least one activation layer/);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('trains on plain tensors too', async () => {
    await initBackend('cpu', { quiet: true });
    const { buildModel } = await import('@sugar-lab/models');
    const { fit } = await import('./fit');
    const model = buildModel('mlp', { activation: { kind: 'relu' }, inputShape: [2], numClasses: 2, seed: 1, depth: 1, width: 4 });
    const x = tf.tensor2d([
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
    ]);
    const y = tf.tensor1d([1, 1, 0, 0], 'int32');
    const r = await fit(
      model,
      { train: { x, y } },
      { epochs: 2, batchSize: 2, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, progress: 'none', probes: { size: 4 } },
    );
    expect(r.status).toBe('completed');
    expect(r.final!.evalLoss).toBeUndefined();
    expect(r.final!.probes!.layers[0].units).toBe(4);
    tf.dispose([x, y]);
    model.dispose();
  });
});

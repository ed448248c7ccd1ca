import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '@sugar-lab/core';
import { measureTrainingStep } from '../bench/measure-step';
import { referenceModel } from '../bench/reference-models';
import { activationFromLabel, activationsFromLabels, formatBenchRow, modernBenchModels } from './bench';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'main.js');

describe('sugar bench', () => {
  it('times a training step without leaking tensors', async () => {
    await initBackend('cpu', { quiet: true });
    const x = tf.input({ shape: [8] });
    const h = tf.layers.dense({ units: 16, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 3 }).apply(h) as tf.SymbolicTensor });
    const t = measureTrainingStep(model, 4, 10, 2);
    expect(t.msPerStep).toBeGreaterThan(0);
    expect(t.msMin).toBeLessThanOrEqual(t.msPerStep);
    expect(t.msMax).toBeGreaterThanOrEqual(t.msPerStep);
    expect(t.tensorsAfter).toBe(t.tensorsBefore);
    expect(formatBenchRow({ ...t, backend: 'cpu', model: 'mlp', activation: 'relu', batch: 4 }, { 'mlp|relu': 2 })).toMatch(
      /cpu\s+mlp\s+relu .* torch 2\.0 ms/,
    );
  });

  it('builds the reference models with the requested activation', () => {
    const mlp = referenceModel('mlp', activationFromLabel('bsilu'));
    expect(mlp.layers.filter((l) => l.getClassName() === 'SugarReLU')).toHaveLength(3);
    expect(mlp.countParams()).toBe(784 * 512 + 512 + 2 * (512 * 512 + 512) + 512 * 10 + 10);
    const cnn = referenceModel('cnn', { kind: 'relu' });
    expect(cnn.outputs[0].shape).toEqual([null, 10]);
    expect(() => activationFromLabel('nope')).toThrow(/unknown surrogate 'nope'/);
  });

  it('reads gelu,relu,sugar:nelu as GELU, ReLU and SUGAR(NeLU); bare names alone still mean SUGAR', () => {
    expect(activationsFromLabels(['gelu', 'relu', 'sugar:nelu'])).toEqual([
      { kind: 'gelu' },
      { kind: 'relu' },
      { kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.01 } },
    ]);
    expect(activationsFromLabels(['relu', 'bsilu'])).toEqual([{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } }]);
    expect(() => activationsFromLabels(['sugar:nelo'])).toThrow(/unknown surrogate 'nelo'/);
    expect(modernBenchModels()).toEqual(expect.arrayContaining(['convnext-atto', 'vit-tiny', 'swin-tiny']));
    const row = { msPerStep: 12, msMin: 11, msMax: 13, samplesPerSec: 1, tensorsBefore: 1, tensorsAfter: 1, peakBytes: 0, rssBytes: 0 };
    const line = formatBenchRow({ ...row, backend: 'cpu', model: 'convnext-atto', activation: 'sugar(nelu,alpha=0.01)', batch: 64, vsRelu: 1.2, vsGelu: 0.75 });
    expect(line).toMatch(/convnext-atto\s+sugar\(nelu,alpha=0\.01\)\s+12\.0 ms .* \+20\.0%\s+-25\.0%/);
  });

  it('prints the JSON the issue asks for', async () => {
    // The fastest backend here; a step of the reference MLP is ~20 ms on tensorflow, ~1 s on cpu.
    const backend = await initBackend(undefined, { quiet: true });
    const r = spawnSync(
      process.execPath,
      [CLI, 'bench', '--json', '--backend', backend, '--models', 'mlp', '--activations', 'relu,bsilu', '--steps', '10', '--warmup', '1'],
      {
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Record<string, unknown>[] };
    expect(out.results.map((x) => x.activation)).toEqual(['relu', 'sugar(bsilu,alpha=1.67)']);
    for (const x of out.results) {
      expect(x).toMatchObject({ backend, model: 'mlp' });
      for (const k of ['msPerStep', 'samplesPerSec', 'tensorsBefore', 'tensorsAfter']) expect(typeof x[k]).toBe('number');
      expect(x.tensorsAfter).toBe(x.tensorsBefore);
    }
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf, type ActivationSpec, type BackendName } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from './config';
import { fit } from './fit';
import type { FitOptions } from './fit-options';
import { readJsonl } from './jsonl';
import { withoutTiming, type FitResult } from './metrics';
import { fitPacked } from './packed-fit';
import { PackError } from './packed-plan';
import { BASE_CONFIG, maxRelDiff } from './test-utils/fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-packed-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const data = () => loadDataset('spirals', { nTrain: 192, nTest: 96, seed: 1 });
const model = (activation: ActivationSpec, seed: number, batchNorm = false) =>
  buildModel('mlp', { activation, inputShape: [2], numClasses: 3, seed, depth: 3, width: 16, batchNorm });

/** One run: the model's activation and seed (as `sugar run` builds it: the train seed seeds the weights too) and the config. */
interface Case {
  activation: ActivationSpec;
  config: Partial<TrainConfig> & { seed: number };
}
const configOf = (c: Case, extra: Partial<TrainConfig> = {}): TrainConfig => ({ ...BASE_CONFIG, ...c.config, ...extra });

const agree = (got: FitResult, want: FitResult) => maxRelDiff(got.epochs.map(withoutTiming), want.epochs.map(withoutTiming));

async function plain(c: Case, extra: Partial<TrainConfig> = {}, options: FitOptions = {}): Promise<FitResult> {
  const m = model(c.activation, c.config.seed);
  try {
    return await fit(m, await data(), configOf(c, extra), { fused: false, ...options });
  } finally {
    m.dispose();
  }
}

async function packed(
  cases: Case[],
  extra: (i: number) => Partial<TrainConfig> = () => ({}),
  options: (i: number) => FitOptions = () => ({}),
): Promise<FitResult[]> {
  const models = cases.map((c) => model(c.activation, c.config.seed));
  try {
    return await fitPacked(
      await data(),
      cases.map((c, i) => ({ model: models[i], config: configOf(c, extra(i)), options: options(i) })),
    );
  } finally {
    models.forEach((m) => m.dispose());
  }
}

const RELU: ActivationSpec = { kind: 'relu' };
const SUGAR: ActivationSpec = { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } };
const GELU: ActivationSpec = { kind: 'gelu' };

// Seeds, activations and optimizer scalars all differ between members.
const ADAM: Case[] = [
  { activation: RELU, config: { seed: 3 } },
  { activation: SUGAR, config: { seed: 4, optimizer: { name: 'adam', lr: 1e-2, beta1: 0.8 } } },
  { activation: GELU, config: { seed: 5, schedule: { kind: 'constant' }, optimizer: { name: 'adam', lr: 2e-3, eps: 1e-6 } } },
];
const SGD: Case[] = [
  { activation: SUGAR, config: { seed: 6, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3 } } },
  { activation: RELU, config: { seed: 7, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.5, weightDecay: 1e-2 } } },
  { activation: SUGAR, config: { seed: 8, optimizer: { name: 'sgd', lr: 0.02, momentum: 0.9, weightDecay: 1e-4 } } },
];

// Weight decay on the kernels only: a mask over the flat weights.
const ADAMW: Case[] = [
  { activation: RELU, config: { seed: 10, optimizer: { name: 'adamw', lr: 3e-3, weightDecay: 0.05, decayOn: 'kernels' } } },
  { activation: SUGAR, config: { seed: 11, optimizer: { name: 'adamw', lr: 1e-3, weightDecay: 0.2, decayOn: 'kernels' } } },
];
const NESTEROV: Case[] = [
  { activation: GELU, config: { seed: 12, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3, decayOn: 'kernels' } } },
  { activation: RELU, config: { seed: 13, optimizer: { name: 'sgd', lr: 0.03, momentum: 0.8, nesterov: true, weightDecay: 1e-2, decayOn: 'kernels' } } },
];

describe('fitPacked', () => {
  for (const backend of ['cpu', 'wasm', 'tensorflow'] as BackendName[]) {
    it(`gives each member the numbers of its own fit on ${backend} (losses, accuracies, probes), tensors freed`, async () => {
      if ((await initBackend(backend, { quiet: true })) !== backend) return;
      for (const cases of [ADAM, SGD, ADAMW, NESTEROV]) {
        const before = tf.memory().numTensors;
        const got = await packed(cases);
        expect(tf.memory().numTensors).toBe(before);
        for (let i = 0; i < cases.length; i++) {
          const want = await plain(cases[i]);
          expect(got[i].status).toBe('completed');
          expect(got[i].step).toBe(want.step);
          expect(got[i].final!.probes!.gradSteps).toBe(want.final!.probes!.gradSteps);
          expect(agree(got[i], want)).toBeLessThan(1e-4);
        }
      }
    });
  }

  it('lets a member diverge alone: it ends as its fit does, the others are untouched', async () => {
    await initBackend('cpu', { quiet: true });
    const cases: Case[] = [SGD[0], { activation: RELU, config: { seed: 9, optimizer: { name: 'sgd', lr: 1e6, momentum: 0.9, weightDecay: 1e-3 } } }, SGD[2]];
    const got = await packed(cases);
    const want = await Promise.all(cases.map((c) => plain(c)));
    expect(want[1].status).toBe('diverged');
    expect(got[1].status).toBe('diverged');
    expect(got[1].error).toBe(want[1].error);
    expect(agree(got[1], want[1])).toBeLessThan(1e-4);
    for (const i of [0, 2]) {
      expect(got[i].status).toBe('completed');
      expect(agree(got[i], want[i])).toBeLessThan(1e-4);
    }
  });

  for (const backend of ['cpu', 'tensorflow'] as BackendName[]) {
    it(`writes checkpoints fit resumes, and resumes members stopped at different epochs (${backend}${backend === 'tensorflow' ? ': the fused native step where it runs' : ''})`, async () => {
      if ((await initBackend(backend, { quiet: true })) !== backend) return;
      const dirs = ADAM.map((_, i) => path.join(tmp, `resume-${backend}-${i}`));
      const runtime = (i: number): Partial<TrainConfig> => ({
        checkpointDir: path.join(dirs[i], 'ckpt'),
        logPath: path.join(dirs[i], 'metrics.jsonl'),
        resume: true,
      });
      // Member i stops (its signal aborts) after epoch i + 1: three checkpoints at three epochs.
      const stop = ADAM.map(() => new AbortController());
      const first = await packed(ADAM, runtime, (i) => ({
        signal: stop[i].signal,
        callbacks: { onEpochEnd: (m) => void (m.epoch === i + 1 && stop[i].abort()) },
      }));
      expect(first.map((r) => [r.status, r.final!.epoch])).toEqual([
        ['interrupted', 1],
        ['interrupted', 2],
        ['interrupted', 3],
      ]);
      const want = await Promise.all(ADAM.map((c) => plain(c)));
      // Member 0 continues unpacked, with fit; 1 and 2 continue as a pack (1 trains epoch 3 alone, then 2 joins).
      const alone = await plain(ADAM[0], runtime(0));
      expect(alone.resumedFrom).toBe(1);
      expect(agree(alone, want[0])).toBeLessThan(1e-4);
      const rest = await packed(ADAM.slice(1), (i) => runtime(i + 1));
      expect(rest.map((r) => r.resumedFrom)).toEqual([2, 3]);
      rest.forEach((r, i) => {
        expect(r.status).toBe('completed');
        expect(agree(r, want[i + 1])).toBeLessThan(1e-4);
        const log = readJsonl<{ type: string; epoch: number }>(path.join(dirs[i + 1], 'metrics.jsonl'));
        expect(log.filter((l) => l.type === 'epoch').map((l) => l.epoch)).toEqual([0, 1, 2, 3, 4]);
      });
      // The same pack uninterrupted: the resumed members' records to the bit (a member's arithmetic does not depend
      // on its pack's size, nor on having stopped and restarted).
      const whole = await packed(ADAM);
      rest.forEach((r, i) => expect(r.epochs.map(withoutTiming)).toEqual(whole[i + 1].epochs.map(withoutTiming)));
    });
  }

  it('refuses what cannot share a pack before training, naming what differs', async () => {
    await initBackend('cpu', { quiet: true });
    const ds = await data();
    const a = model(RELU, 1);
    const bn = model(RELU, 2, true);
    const b = model(SUGAR, 3);
    try {
      await expect(
        fitPacked(ds, [
          { model: a, config: BASE_CONFIG },
          { model: bn, config: BASE_CONFIG },
        ]),
      ).rejects.toThrow(PackError);
      await expect(
        fitPacked(ds, [
          { model: a, config: BASE_CONFIG },
          { model: b, config: { ...BASE_CONFIG, batchSize: 16 } },
        ]),
      ).rejects.toThrow(/member 2: batchSize is 16; member 1's is 32/);
      await expect(
        fitPacked(ds, [
          { model: a, config: BASE_CONFIG },
          { model: b, config: { ...BASE_CONFIG, optimizer: { name: 'sgd', lr: 0.1 } } },
        ]),
      ).rejects.toThrow(/optimizer.name is "sgd"/);
    } finally {
      [a, bn, b].forEach((m) => m.dispose());
    }
  });
});

import { activationLayer, initBackend, nativeOpsInfo, tf, type ActivationSpec } from '@sugar-lab/core';
import { buildModel } from '@sugar-lab/models';
import { ActivationProbe } from '@sugar-lab/analysis';
import { loadDataset } from '@sugar-lab/datasets';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, type TrainConfig } from './config';
import { fit } from './fit';
import { NativePack, trainsNatively } from './packed-native';
import { flatten } from './packed-mlp';
import { PackedOptimizer } from './packed-optimizer';
import { packPlan } from './packed-plan';
import { dataSource } from './data';
import { evaluate } from './evaluate';
import { modelParams, Optimizer } from './optimizers';
import { trainStep } from './train-step';

// CI builds the native kernels and sets this, so the checks run there instead of skipping.
const REQUIRED = process.env.SUGAR_REQUIRE_NATIVE_OPS === '1';

async function nativeOrSkip(ctx: { skip: () => void }): Promise<void> {
  const backend = await initBackend('tensorflow', { quiet: true });
  const info = nativeOpsInfo();
  if (backend === 'tensorflow' && info?.loaded) return;
  if (REQUIRED) throw new Error(`SUGAR_REQUIRE_NATIVE_OPS=1 but the native kernels are off: ${backend}, ${info?.reason}`);
  ctx.skip();
}

const RELU: ActivationSpec = { kind: 'relu' };
const BSILU: ActivationSpec = { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } };
const BSILU_NEG: ActivationSpec = { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.2 }, region: 'negative' };
const NELU: ActivationSpec = { kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.05 } };
const GELU: ActivationSpec = { kind: 'gelu' };
const ACTIVATIONS = [RELU, BSILU, BSILU_NEG, NELU, GELU];

const OPTIMIZERS: TrainConfig['optimizer'][] = [
  { name: 'adam', lr: 3e-2 },
  { name: 'adam', lr: 1e-2, weightDecay: 1e-2, decayOn: 'kernels' },
  { name: 'adamw', lr: 1e-2, weightDecay: 0.1 },
  { name: 'sgd', lr: 0.1 },
  { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3, decayOn: 'kernels' },
];

const K = ACTIVATIONS.length;
const B = 16;
const model = (a: ActivationSpec, seed: number) => buildModel('mlp', { activation: a, inputShape: [3], numClasses: 4, seed, depth: 3, width: 8 });

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(b[i])));
  return worst;
}

/** Each member's own tfjs optimizer over its model's variables, as an unpacked run has them. */
function memberOptimizers(models: tf.LayersModel[], configs: TrainConfig['optimizer'][]): Optimizer[] {
  return models.map((m, i) => {
    const cfg = resolveTrainConfig({ epochs: 1, batchSize: B, optimizer: configs[i] }).optimizer;
    return new Optimizer(cfg, modelParams(m, cfg));
  });
}

/** What fitPacked builds for `models` with their optimizer configs: the flat weights, the packed optimizer, the native pack. */
function packOf(models: tf.LayersModel[], configs: TrainConfig['optimizer'][]) {
  const members = memberOptimizers(models, configs);
  const plans = models.map(packPlan);
  const init = flatten(models.map((m) => m.trainableWeights.map((w) => w.read())));
  const flat = tf.variable(init, false);
  init.dispose();
  const resolved = configs.map((c) => resolveTrainConfig({ epochs: 1, batchSize: B, optimizer: c }).optimizer);
  const decay = members[0].params.map((p) => p.decay);
  const optimizer = new PackedOptimizer(resolved, decay, plans[0].shapes, flat, members);
  const pack = NativePack.create(plans, decay, optimizer, flat);
  return {
    members,
    plans,
    decay,
    flat,
    optimizer,
    pack,
    dispose: () => {
      pack?.dispose();
      optimizer.dispose();
      flat.dispose();
      members.forEach((o) => o.dispose());
    },
  };
}

describe('NativePack', () => {
  it('gives each member the weights, state and loss of its own op-by-op tfjs step (every activation and optimizer)', async (ctx) => {
    await nativeOrSkip(ctx);
    for (const opt of OPTIMIZERS) {
      const configs = ACTIVATIONS.map((_, i) => ({ ...opt, lr: opt.lr * (1 + i / 10) }));
      const packedModels = ACTIVATIONS.map((a, i) => model(a, i + 1));
      const ownModels = ACTIVATIONS.map((a, i) => model(a, i + 1));
      const before = tf.memory().numTensors;
      const own = memberOptimizers(ownModels, configs);
      const packed = packOf(packedModels, configs);
      const { members, flat, optimizer: packedOpt } = packed;
      const step = packed.pack!;
      expect(step).toBeDefined();
      for (let s = 0; s < 3; s++) {
        const x = tf.randomNormal([K, B, 3], 0, 1.5, 'float32', 10 + s);
        const y = tf.tidy(() => tf.oneHot(tf.randomUniform([K, B], 0, 4, 'int32', 20 + s), 4).toFloat());
        const lrs = configs.map((c) => c.lr);
        const r = step.step(
          x,
          y,
          lrs,
          lrs.map(() => true),
        );
        const xs = tf.unstack(x);
        const ys = tf.unstack(y);
        const kernelNorms: number[][] = [];
        const want = ownModels.map((m, k) =>
          trainStep(
            m,
            own[k].params.map((p) => p.variable),
            own[k],
            xs[k],
            ys[k],
            lrs[k],
            (grads) => {
              const kernels = m.trainableWeights.filter((w) => /kernel/.test(w.originalName)).map((w) => grads[w.read().name]);
              kernelNorms[k] = kernels.map((g) => Math.sqrt((tf.sum(tf.square(g)).dataSync() as Float32Array)[0]));
            },
          ),
        );
        tf.dispose([x, y, ...xs, ...ys]);
        for (let k = 0; k < K; k++) expect(Math.abs(r.losses[k] - want[k].loss)).toBeLessThan(1e-5 * Math.max(1, want[k].loss));
        expect(Array.from(r.rights)).toEqual(want.map((w) => w.right));
        expect(r.norms?.length).toBe(K);
        r.norms!.forEach((got, k) => expect(maxRelDiff(got, Float32Array.from(kernelNorms[k]))).toBeLessThan(1e-4));
      }
      const ownFlat = flatten(ownModels.map((m) => m.trainableWeights.map((w) => w.read())));
      expect(maxRelDiff(flat.dataSync() as Float32Array, ownFlat.dataSync() as Float32Array), `${JSON.stringify(opt)}`).toBeLessThan(1e-4);
      ownFlat.dispose();
      packedOpt.writeBack(members);
      members.forEach((m, k) => {
        const mine = new Map(m.getSlots().map((t) => [t.name, t.tensor.dataSync() as Float32Array]));
        for (const slot of own[k].getSlots()) {
          expect(maxRelDiff(mine.get(slot.name)!, slot.tensor.dataSync() as Float32Array), `${JSON.stringify(opt)} ${slot.name}`).toBeLessThan(1e-3);
        }
        expect(m.step).toBe(3);
      });
      packed.dispose();
      own.forEach((o) => o.dispose());
      expect(tf.memory().numTensors).toBe(before);
      [...packedModels, ...ownModels].forEach((m) => m.dispose());
    }
  });

  it('updates nothing when any member’s loss is not finite, and names what does not fit', async (ctx) => {
    await nativeOrSkip(ctx);
    const models = [model(RELU, 1), model(BSILU, 2)];
    const packed = packOf(models, [OPTIMIZERS[0], OPTIMIZERS[0]]);
    const { flat, optimizer: packedOpt } = packed;
    const step = packed.pack!;
    const init = Array.from(flat.dataSync());
    const x = tf.tidy(() => tf.concat([tf.fill([1, B, 3], NaN), tf.ones([1, B, 3])]));
    const y = tf.tidy(() => tf.oneHot(tf.zeros([2, B], 'int32'), 4).toFloat());
    const r = step.step(x, y, [0.1, 0.1]);
    expect(Number.isNaN(r.losses[0])).toBe(true);
    expect(Number.isFinite(r.losses[1])).toBe(true);
    expect(r.norms).toBeUndefined();
    expect(Array.from(flat.dataSync())).toEqual(init);
    expect(packedOpt.steps).toEqual([0, 0]);
    const wrong = tf.ones([2, B, 5]);
    expect(() => step.step(wrong, y, [0.1, 0.1])).toThrow(/layer 0 \(inputs 3, units 8\) does not fit the previous layer's 5 units/);
    tf.dispose([x, y, wrong]);
    packed.dispose();
    models.forEach((m) => m.dispose());
  });

  it('evaluates and probes every member in one pass as evaluate and ActivationProbe do', async (ctx) => {
    await nativeOrSkip(ctx);
    const ds = await loadDataset('spirals', { nTrain: 64, nTest: 700, seed: 2 });
    const source = dataSource(ds, {}, 0, 3);
    const models = ACTIVATIONS.map((a, i) => buildModel('mlp', { activation: a, inputShape: [2], numClasses: 3, seed: i + 1, depth: 3, width: 8 }));
    const packed = packOf(
      models,
      ACTIVATIONS.map(() => OPTIMIZERS[0]),
    );
    const pack = packed.pack!;
    // 700 rows: two full chunks of 256 and a partial one inside the op.
    const test = source.range('test', 0, 700);
    const { evals } = pack.forward(test.x, test.y);
    const probeX = source.range('train', 0, 64);
    const noTargets = tf.zeros([64, 3]);
    const { probes } = pack.forward(probeX.x, noTargets);
    models.forEach((m, k) => {
      const want = evaluate(m, source, 'test', 128);
      expect(evals[k].n).toBe(700);
      expect(evals[k].accuracy).toBe(want.accuracy);
      expect(Math.abs(evals[k].loss - want.loss)).toBeLessThan(1e-6);
      const probe = new ActivationProbe(m, probeX.x, { batchSize: 16 });
      const got = probe.summarizeRow(probes[k]);
      const ref = probe.measure();
      expect(got.map((u) => [u.layer, u.deadCount, Array.from(u.activationProb), u.sparsity])).toEqual(
        ref.map((u) => [u.layer, u.deadCount, Array.from(u.activationProb), u.sparsity]),
      );
      got.forEach((u, i) => {
        expect(Math.abs(u.preMean - ref[i].preMean)).toBeLessThan(1e-6);
        expect(Math.abs(u.preStd - ref[i].preStd) / ref[i].preStd).toBeLessThan(1e-5);
      });
      probe.dispose();
    });
    tf.dispose([test.x, test.y, probeX.x, probeX.y, noTargets]);
    packed.dispose();
    models.forEach((m) => m.dispose());
  });

  it('trains a model with and without biases as fit op by op does (fit fused and fused: false)', async (ctx) => {
    await nativeOrSkip(ctx);
    const data = await loadDataset('spirals', { nTrain: 256, nTest: 128, seed: 1 });
    const build = () => {
      const x = tf.input({ shape: [2] });
      let h: tf.SymbolicTensor = x;
      for (let i = 0; i < 3; i++) {
        const dense = tf.layers.dense({ units: 16, useBias: i !== 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 + i }) });
        h = activationLayer(BSILU).apply(dense.apply(h)) as tf.SymbolicTensor;
      }
      const out = tf.layers.dense({ units: 3, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }) });
      return tf.model({ inputs: x, outputs: out.apply(h) as tf.SymbolicTensor });
    };
    const config: TrainConfig = {
      seed: 1,
      epochs: 3,
      batchSize: 32,
      optimizer: { name: 'adamw', lr: 0.01, weightDecay: 0.05, decayOn: 'kernels' },
      progress: 'none',
    };
    const [fused, ops] = [build(), build()];
    expect(trainsNatively(fused)).toBe(true);
    const a = await fit(fused, data, config);
    const b = await fit(ops, data, config, { fused: false });
    a.epochs.forEach((e, i) => expect(Math.abs((e.evalLoss ?? NaN) - (b.epochs[i].evalLoss ?? NaN))).toBeLessThan(1e-5));
    const wa = fused.getWeights().map((w) => w.dataSync() as Float32Array);
    const wb = ops.getWeights().map((w) => w.dataSync() as Float32Array);
    wa.forEach((w, i) => expect(maxRelDiff(w, wb[i])).toBeLessThan(1e-4));
    [fused, ops].forEach((m) => m.dispose());
  });

  it('is not used for an activation it does not compute (the pack then trains op by op)', async (ctx) => {
    await nativeOrSkip(ctx);
    const models = [model(RELU, 1), model({ kind: 'elu' }, 2)];
    const packed = packOf(models, [OPTIMIZERS[0], OPTIMIZERS[0]]);
    const { plans, decay, optimizer, flat } = packed;
    expect(packed.pack).toBeUndefined();
    const same = NativePack.create([plans[0], plans[0]], decay, optimizer, flat);
    expect(same).toBeDefined();
    same?.dispose();
    packed.dispose();
    models.forEach((m) => m.dispose());
  });
});

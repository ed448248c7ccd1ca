import { ActivationProbe } from '@sugar-lab/analysis';
import { initBackend, sugarize, tf } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { fit } from './fit';

beforeAll(async () => {
  await initBackend('cpu', { quiet: true });
});

const CONFIG = { seed: 0, epochs: 2, batchSize: 32, optimizer: { name: 'adam', lr: 3e-3 }, progress: 'none', probes: { gradEvery: 1 } } as const;
const spirals = () => loadDataset('spirals', { classes: 3, nTrain: 128, nTest: 64, seed: 0 });

// The README's "libraries in your own code" model, written the usual tfjs way: dense layers with a fused relu.
function readmeModel(hidden = 8): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 24, activation: 'relu' }),
      ...Array.from({ length: hidden - 1 }, () => tf.layers.dense({ units: 24, activation: 'relu' })),
      tf.layers.dense({ units: 3 }),
    ],
  });
}

describe('attachProbes on models written the usual tfjs way', () => {
  // What the user did: fit recorded no probes, and new ActivationProbe(model, x) threw.
  it('probes a tf.sequential of dense({ activation: relu }) layers: dead units and sparsity per layer', async () => {
    const data = await spirals();
    const model = readmeModel(3);
    const r = await fit(model, data, CONFIG);
    expect(r.status).toBe('completed');
    const denses = model.layers.map((l) => l.name);
    for (const e of r.epochs) {
      expect(e.probes!.layers.map((l) => l.layer)).toEqual(denses.slice(0, 3));
      for (const l of e.probes!.layers) {
        expect(l.units).toBe(24);
        expect(l.deadFraction).toBe(l.dead / 24);
        expect(l.sparsity).toBeGreaterThan(0);
        expect(l.sparsity).toBeLessThan(1);
        expect(Number.isFinite(l.preStd) && l.preStd > 0).toBe(true);
      }
    }
    expect(Object.keys(r.final!.probes!.gradNorms!)).toEqual(denses);
    const x = tf.tensor2d(data.train.x as Float32Array, [data.train.length, 2]);
    const probe = new ActivationProbe(model, x);
    x.dispose();
    expect(probe.measure().map((s) => [s.layer, s.className])).toEqual(denses.slice(0, 3).map((n) => [n, 'Dense']));
    probe.dispose();
    model.dispose();
  });

  it("gives the README example's probes, sugarized or not, the same dead units at epoch 0", async () => {
    const data = await spirals();
    const relu = readmeModel();
    const sugar = sugarize(relu, { name: 'bsilu', alpha: 1.67 });
    const [a, b] = [await fit(relu, data, { ...CONFIG, epochs: 1 }), await fit(sugar, data, { ...CONFIG, epochs: 1 })];
    for (const r of [a, b]) {
      expect(r.final!.probes!.layers).toHaveLength(8);
      expect(r.final!.probes!.deadFraction).toBeGreaterThanOrEqual(0);
    }
    // Same weights before training: the fused relus and the SugarReLU layers split out of them see the same units.
    const epoch0 = (r: typeof a) => r.epochs[0].probes!.layers.map((l) => [l.dead, l.sparsity, l.preMean]);
    expect(epoch0(b)).toEqual(epoch0(a));
    [relu, sugar].forEach((m) => m.dispose());
  });

  it('probes the layers of a Sequential nested in a functional model', async () => {
    const data = await spirals();
    const inner = tf.sequential({
      name: 'trunk',
      layers: [tf.layers.dense({ inputShape: [2], units: 16, activation: 'relu' }), tf.layers.dense({ units: 16, activation: 'relu' })],
    });
    const input = tf.input({ shape: [2] });
    const logits = tf.layers.dense({ units: 3 }).apply(inner.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: logits });
    const r = await fit(model, data, CONFIG);
    expect(r.final!.probes!.layers.map((l) => l.layer)).toEqual(inner.layers.map((l) => l.name));
    expect(Object.keys(r.final!.probes!.gradNorms!)).toEqual([...inner.layers.map((l) => l.name), model.layers[2].name]);
    model.dispose();
  });
});

import { hessianEigenvalues, LandscapeEvaluator, sharpness } from '@sugar-lab/analysis';
import { initBackend, tf } from '@sugar-lab/core';
import { loadDataset, makeBatch } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLandscape } from './landscape-probe';

beforeAll(async () => {
  await initBackend('cpu', { quiet: true });
});

const tiny = (kind: 'relu' | 'sugar') =>
  buildModel('mlp', {
    activation: kind === 'relu' ? { kind: 'relu' } : { kind: 'sugar', surrogate: { name: 'bsilu' } },
    inputShape: [2],
    numClasses: 3,
    seed: 0,
    depth: 3,
    width: 8,
  });

describe('runLandscape', () => {
  it('returns flat finite scalars, leaves weights and tensor count as they were', async () => {
    const data = await loadDataset('spirals', { nTrain: 64, nTest: 80, seed: 0 });
    for (const kind of ['relu', 'sugar'] as const) {
      const model = tiny(kind);
      const w0 = model.getWeights().map((w) => Array.from(w.dataSync()));
      const before = tf.memory().numTensors;
      const r = runLandscape(model, data, { samples: 50, directions: 3, powerIterations: 8 });
      expect(tf.memory().numTensors).toBe(before);
      expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(w0);
      expect(Object.keys(r).sort()).toEqual(['convexityRatio', 'hessianMin', 'hessianTop', 'landscapeSeconds', 'sharpness']);
      for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
      expect(r.hessianTop).toBeGreaterThanOrEqual(r.hessianMin);
      expect(r.convexityRatio).toBeCloseTo(Math.abs(r.hessianMin / r.hessianTop), 12);
      expect(r.landscapeSeconds).toBeGreaterThan(0);
      model.dispose();
    }
  });

  it('measures the first `samples` test samples, as the analysis functions do on them', async () => {
    const data = await loadDataset('spirals', { nTrain: 64, nTest: 80, seed: 1 });
    const model = tiny('sugar');
    const r = runLandscape(model, data, { samples: 40, directions: 2, powerIterations: 6, seed: 3 });
    const b = makeBatch(data.test, Int32Array.from({ length: 40 }, (_, i) => i), { oneHot: true });
    const ev = new LandscapeEvaluator(model, { x: b.xs, y: b.ys });
    const s = sharpness(ev, { directions: 2, radius: 0.5, seed: 3 });
    const h = hessianEigenvalues(ev, { iterations: 6, seed: 3 });
    expect(r.sharpness).toBeCloseTo(s.sharpness, 5);
    expect(r.hessianTop).toBeCloseTo(h.max, 3);
    expect(r.hessianMin).toBeCloseTo(h.min, 3);
    ev.dispose();
    tf.dispose([b.xs, b.ys]);
    model.dispose();
  });

  it('refuses bad options', async () => {
    const data = await loadDataset('spirals', { nTrain: 16, nTest: 16, seed: 0 });
    const model = tiny('relu');
    expect(() => runLandscape(model, data, { samples: 0 })).toThrow(/samples expected an integer >= 1/);
    expect(() => runLandscape(model, data, { powerIterations: 2.5 })).toThrow(/powerIterations expected/);
    model.dispose();
  });
});

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
      expect(Object.keys(r).sort()).toEqual([
        'convexityRatio',
        'hessianConverged',
        'hessianIterations',
        'hessianMin',
        'hessianResidual',
        'hessianTop',
        'landscapeSeconds',
        'sharpness',
      ]);
      const { hessianConverged, ...numbers } = r;
      for (const v of Object.values(numbers)) expect(Number.isFinite(v)).toBe(true);
      // Capped at 8 steps: recorded as such, never passed off as converged.
      expect(hessianConverged).toBe(r.hessianResidual <= 1e-3);
      expect(r.hessianIterations).toBeLessThanOrEqual(8);
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
    const b = makeBatch(
      data.test,
      Int32Array.from({ length: 40 }, (_, i) => i),
      { oneHot: true },
    );
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

  it('runs the Hessian to convergence by default and records how far it went', async () => {
    const data = await loadDataset('spirals', { nTrain: 64, nTest: 80, seed: 0 });
    const model = tiny('relu');
    const r = runLandscape(model, data, { samples: 50, directions: 1 });
    expect(r.hessianConverged).toBe(true);
    expect(r.hessianResidual).toBeLessThanOrEqual(1e-3);
    expect(r.hessianIterations).toBeGreaterThan(8);
    const capped = runLandscape(model, data, { samples: 50, directions: 1, powerIterations: 3 });
    expect(capped).toMatchObject({ hessianConverged: false, hessianIterations: 3 });
    expect(capped.hessianResidual).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('records NaN curvature, not converged, when the loss is not finite at the weights', async () => {
    const data = await loadDataset('spirals', { nTrain: 16, nTest: 16, seed: 0 });
    const model = tiny('relu');
    // Weights as a run that diverged in its last step leaves them: the logits overflow.
    model.setWeights(model.getWeights().map((w) => tf.fill(w.shape, 3e38)));
    const r = runLandscape(model, data, { samples: 16, directions: 1 });
    expect(r).toMatchObject({ hessianConverged: false, hessianIterations: 0 });
    expect([r.hessianTop, r.hessianMin, r.convexityRatio, r.hessianResidual].every(Number.isNaN)).toBe(true);
    model.dispose();
  });

  it('refuses bad options', async () => {
    const data = await loadDataset('spirals', { nTrain: 16, nTest: 16, seed: 0 });
    const model = tiny('relu');
    expect(() => runLandscape(model, data, { samples: 0 })).toThrow(/samples expected an integer >= 1/);
    expect(() => runLandscape(model, data, { powerIterations: 2.5 })).toThrow(/powerIterations expected/);
    expect(() => runLandscape(model, data, { tolerance: -1 })).toThrow(/tolerance expected a finite number >= 0/);
    model.dispose();
  });
});

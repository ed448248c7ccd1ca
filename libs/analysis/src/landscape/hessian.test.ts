import { getSurrogate, tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LandscapeEvaluator } from './evaluator';
import { hessianEigenvalues, hessianVectorProduct } from './hessian';
import { linearModel, matmul, mlp, mse, orthonormal, QuadraticOracle, spirals, transpose, values, withEigenvalues } from './test-utils/fixtures';

const close = (got: number, want: number, rel: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want));

describe('hessianVectorProduct', () => {
  it('is A v for a quadratic objective, and restores the variables', () => {
    const a = withEigenvalues([4, -1.5, 0.5, 2]);
    const q = new QuadraticOracle(a, [1, -2, 0.5, 0], [0.3, -0.2, 1, 0.7]);
    const w0 = values(q.variables);
    const v = [tf.tensor1d([1, 0.5]), tf.tensor2d([[-1], [2]])];
    const before = tf.memory().numTensors;
    const hv = hessianVectorProduct(q, v);
    expect(tf.memory().numTensors).toBe(before + 2);
    const got = [...hv[0].dataSync(), ...hv[1].dataSync()];
    const want = matmul(a, [[1], [0.5], [-1], [2]]).map((r) => r[0]);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 2));
    expect(values(q.variables)).toEqual(w0);
    tf.dispose([...hv, ...v]);
    q.dispose();
  });
});

describe('hessianEigenvalues', () => {
  it('finds lambda_max, lambda_min and |min/max| of a dense indefinite quadratic', () => {
    const eigs = [3, -1.2, 0.4, 1];
    const q = new QuadraticOracle(withEigenvalues(eigs), [0.1, 0.2, -0.3, 0.4], [1, 2, 3, 4]);
    const w0 = values(q.variables);
    const before = tf.memory().numTensors;
    const s = hessianEigenvalues(q, { iterations: 60 });
    expect(tf.memory().numTensors).toBe(before);
    expect(values(q.variables)).toEqual(w0);
    close(s.max, 3, 0.01);
    close(s.min, -1.2, 0.01);
    close(s.ratio, 0.4, 0.02);
    expect(s.dominant.converged).toBe(true);
    q.dispose();
  });

  it('handles a negative dominant eigenvalue (lambda_min found first)', () => {
    const q = new QuadraticOracle(withEigenvalues([-5, 1, 2, 0.5]), [0, 0, 0, 0], [1, 1, 1, 1]);
    const s = hessianEigenvalues(q, { iterations: 80 });
    close(s.min, -5, 0.01);
    close(s.max, 2, 0.02);
    close(s.ratio, 2.5, 0.02);
    q.dispose();
  });

  it('matches 2/n X^T X for a linear model with MSE (through LandscapeEvaluator)', () => {
    // X = U diag(s) V^T with orthonormal U (4 x 3 columns) and V: X^T X = V diag(s^2) V^T, dense.
    const s = [2, 1, 0.8];
    const u = orthonormal(4).map((r) => r.slice(0, 3));
    const x = matmul(u.map((r) => r.map((v, j) => v * s[j])), transpose(orthonormal(3)));
    const model = linearModel([[0.5, -1], [0.2, 0.3], [1, 0]]);
    const y = matmul(x, [[1, 0], [0, 1], [1, 1]]);
    const ev = new LandscapeEvaluator(model, { x: tf.tensor2d(x), y: tf.tensor2d(y) }, { loss: mse, batchSize: 3 });
    const before = tf.memory().numTensors;
    const spec = hessianEigenvalues(ev, { iterations: 40, tolerance: 0 });
    expect(tf.memory().numTensors).toBe(before);
    // Hessian = I_2 (x) 2/n X^T X: eigenvalues 2 s^2 / 4 = 2, 0.5, 0.32 (each twice).
    close(spec.max, 2, 0.01);
    close(spec.min, 0.32, 0.03);
    close(spec.ratio, 0.16, 0.03);
    expect(spec.dominant.iterations).toBe(40);
    ev.dispose();
    model.dispose();
  });

  it("differentiates SugarReLU as ReLU with gradients 'relu', and with the surrogate with 'surrogate'", () => {
    const relu = mlp(2, 6, { kind: 'relu' }, 3);
    const sugar = mlp(2, 6, { kind: 'sugar', surrogate: { name: 'bsilu' } }, 3);
    sugar.setWeights(relu.getWeights());
    const { x, y } = spirals(30);
    const grads = (m: tf.LayersModel, mode?: 'relu' | 'surrogate') => {
      const ev = new LandscapeEvaluator(m, { x, y }, { gradients: mode });
      const g = ev.gradient();
      const flat = g.flatMap((t) => Array.from(t.dataSync()));
      tf.dispose(g);
      ev.dispose();
      return flat;
    };
    const ref = grads(relu);
    const trueGrad = grads(sugar);
    ref.forEach((r, i) => expect(trueGrad[i]).toBeCloseTo(r, 6));
    const surrogate = grads(sugar, 'surrogate');
    expect(Math.max(...surrogate.map((g, i) => Math.abs(g - ref[i])))).toBeGreaterThan(1e-3);
    // The surrogate is back in place afterwards.
    const layer = sugar.layers.find((l) => l.getClassName() === 'SugarReLU') as unknown as { surrogate: { toString(): string } };
    expect(layer.surrogate.toString()).toBe(getSurrogate('bsilu').toString());
    tf.dispose([x, y]);
    relu.dispose();
    sugar.dispose();
  });
});

import { activationLayer, getSurrogate, tf } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { LandscapeEvaluator } from './evaluator';
import { hessianEigenvalues, hessianVectorProduct, topHessianEigenvalue } from './hessian';
import {
  jacobiEigenvalues,
  linearModel,
  matmul,
  mlp,
  mse,
  orthonormal,
  QuadraticOracle,
  spirals,
  transpose,
  values,
  withEigenvalues,
} from './test-utils/fixtures';

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
  for (const method of ['lanczos', 'power'] as const) {
    it(`${method}: lambda_max, lambda_min and |min/max| of a dense indefinite quadratic`, () => {
      const q = new QuadraticOracle(withEigenvalues([3, -1.2, 0.4, 1]), [0.1, 0.2, -0.3, 0.4], [1, 2, 3, 4]);
      const w0 = values(q.variables);
      const before = tf.memory().numTensors;
      const s = hessianEigenvalues(q, { method, iterations: 60 });
      expect(tf.memory().numTensors).toBe(before);
      expect(values(q.variables)).toEqual(w0);
      expect(s.method).toBe(method);
      close(s.max, 3, 0.01);
      close(s.min, -1.2, 0.01);
      close(s.ratio, 0.4, 0.02);
      expect(s.converged).toBe(true);
      // Lanczos on 4 dimensions: the Krylov space is everything after 4 products.
      if (method === 'lanczos') expect(s.products).toBeLessThanOrEqual(4);
      q.dispose();
    });

    it(`${method}: a negative dominant eigenvalue`, () => {
      const q = new QuadraticOracle(withEigenvalues([-5, 1, 2, 0.5]), [0, 0, 0, 0], [1, 1, 1, 1]);
      const s = hessianEigenvalues(q, { method, iterations: 80 });
      close(s.min, -5, 0.01);
      close(s.max, 2, 0.02);
      close(s.ratio, 2.5, 0.02);
      q.dispose();
    });

    it(`${method}: 2/n X^T X for a linear model with MSE (through LandscapeEvaluator)`, () => {
      // X = U diag(s) V^T with orthonormal U (4 x 3 columns) and V: X^T X = V diag(s^2) V^T, dense.
      const sv = [2, 1, 0.8];
      const u = orthonormal(4).map((r) => r.slice(0, 3));
      const x = matmul(
        u.map((r) => r.map((v, j) => v * sv[j])),
        transpose(orthonormal(3)),
      );
      const model = linearModel([
        [0.5, -1],
        [0.2, 0.3],
        [1, 0],
      ]);
      const y = matmul(x, [
        [1, 0],
        [0, 1],
        [1, 1],
      ]);
      const ev = new LandscapeEvaluator(model, { x: tf.tensor2d(x), y: tf.tensor2d(y) }, { loss: mse, batchSize: 3 });
      const before = tf.memory().numTensors;
      const spec = hessianEigenvalues(ev, { method, iterations: 40, tolerance: 0, reorthogonalize: true });
      expect(tf.memory().numTensors).toBe(before);
      // Hessian = I_2 (x) 2/n X^T X: eigenvalues 2 s^2 / 4 = 2, 0.5, 0.32 (each twice).
      close(spec.max, 2, 0.01);
      close(spec.min, 0.32, 0.03);
      close(spec.ratio, 0.16, 0.03);
      if (method === 'power') expect(spec.products).toBe(80); // tolerance 0: every iteration
      ev.dispose();
      model.dispose();
    });
  }

  it('Lanczos without re-orthogonalization still finds both ends; the top eigenvalue alone by power iteration', () => {
    const eigs = [6, -2, 0.1, 0.2, 0.3, 1, 2, 0.05];
    const q = new QuadraticOracle(withEigenvalues(eigs), new Array(8).fill(0.1), [1, 2, 3, 4, 5, 6, 7, 8]);
    const before = tf.memory().numTensors;
    const s = hessianEigenvalues(q, { iterations: 30, reorthogonalize: false });
    close(s.max, 6, 0.01);
    close(s.min, -2, 0.01);
    const top = topHessianEigenvalue(q, { iterations: 100 });
    close(top.value, 6, 0.01);
    expect(top.converged).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => hessianEigenvalues(q, { method: 'qr' as never })).toThrow(/method expected/);
    q.dispose();
  });

  it('a zero Hessian (every ReLU dead, as after a huge step) gives 0 at both ends, converged, by both methods', () => {
    const q = new QuadraticOracle(withEigenvalues([0, 0, 0, 0]), [0.1, 0, 0, 0], [1, 2, 3, 4]);
    for (const method of ['lanczos', 'power'] as const) {
      const s = hessianEigenvalues(q, { method });
      expect([s.max, s.min, s.converged]).toEqual([0, 0, true]);
    }
    q.dispose();
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

  const kinks: [string, () => tf.layers.Layer, number][] = [
    ['ReLU', () => tf.layers.reLU(), 1e-4],
    ['SugarReLU', () => activationLayer({ kind: 'sugar', surrogate: { name: 'bsilu' } }), 1e-4],
    ['LeakyReLU', () => tf.layers.leakyReLU({ alpha: 0.1 }), 1e-4],
    ['ReLU(maxValue 6) near 6', () => tf.layers.reLU({ maxValue: 6 }), 6 - 1e-4],
  ];
  for (const [name, makeAct, a] of kinks) {
    it(`freezes ${name} in its linear piece: the analytic Hessian, though the step crosses a kink`, () => {
      // x -> a x -> act -> b (.) -> out, L = (b act(a x) - t)^2, with a x within 1e-4 of a kink, so a step of
      // 1e-3 along a crosses it. In the slope-1 piece: L_aa = 2 b^2 x^2, L_ab = 2 a b x^2 + 2 r x, r = b a x - t.
      const [b, x, t] = [2, 1, 0.5];
      const input = tf.input({ shape: [1] });
      const d1 = tf.layers.dense({ units: 1, useBias: false });
      const act = makeAct();
      const d2 = tf.layers.dense({ units: 1, useBias: false });
      const model = tf.model({ inputs: input, outputs: d2.apply(act.apply(d1.apply(input))) as tf.SymbolicTensor });
      d1.setWeights([tf.tensor2d([[a]])]);
      d2.setWeights([tf.tensor2d([[b]])]);
      const ev = new LandscapeEvaluator(model, { x: tf.tensor2d([[x]]), y: tf.tensor2d([[t]]) }, { loss: mse });
      const r = b * a * x - t;
      const e = [tf.tensor2d([[1]]), tf.tensor2d([[0]])];
      const before = tf.memory().numTensors;
      const col = hessianVectorProduct(ev, e);
      const [haa, hba] = col.map((c) => c.dataSync()[0]);
      tf.dispose(col);
      expect(tf.memory().numTensors).toBe(before);
      expect(haa).toBeCloseTo(2 * b * b * x * x, 2);
      expect(hba).toBeCloseTo(2 * a * b * x * x + 2 * r * x, 2);
      // The layer is back to its own call: the forward and gradient are the model's again.
      expect(Object.getOwnPropertyNames(act)).not.toContain('call');
      tf.dispose(e);
      ev.dispose();
      model.dispose();
    });
  }

  it('Lanczos matches the full spectrum of the assembled Hessian of a ReLU MLP, which is symmetric', () => {
    const model = mlp(2, 6, { kind: 'relu' }, 4);
    const { x, y } = spirals(60);
    const ev = new LandscapeEvaluator(model, { x, y }, { batchSize: 25 });
    const shapes = ev.variables.map((v) => v.shape);
    const sizes = shapes.map((s) => s.reduce((p, q) => p * q, 1));
    const n = sizes.reduce((p, q) => p + q, 0);
    const h: number[][] = [];
    for (let k = 0; k < n; k++) {
      let offset = 0;
      const e = shapes.map((s, i) => {
        const buf = new Float32Array(sizes[i]);
        if (k >= offset && k < offset + sizes[i]) buf[k - offset] = 1;
        offset += sizes[i];
        return tf.tensor(buf, s);
      });
      const col = hessianVectorProduct(ev, e);
      h.push(col.flatMap((c) => Array.from(c.dataSync())));
      tf.dispose([...e, ...col]);
    }
    let asym = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        asym += (h[i][j] - h[j][i]) ** 2;
        total += h[i][j] ** 2;
      }
    expect(Math.sqrt(asym / total)).toBeLessThan(1e-3);
    const eig = jacobiEigenvalues(h.map((r, i) => r.map((v, j) => (v + h[j][i]) / 2)));
    const s = hessianEigenvalues(ev, { iterations: n });
    const scale = Math.abs(eig[n - 1]);
    expect(Math.abs(s.max - eig[n - 1])).toBeLessThan(1e-3 * scale);
    expect(Math.abs(s.min - eig[0])).toBeLessThan(1e-3 * scale);
    tf.dispose([x, y]);
    ev.dispose();
    model.dispose();
  });
});

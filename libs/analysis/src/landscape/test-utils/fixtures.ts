// Small models, data and reference math shared by the landscape tests (not part of the public API).
import { activationLayer, tf, type ActivationSpec } from '@sugar-lab/core';
import type { GradientOracle } from '../evaluator';

/** input[d] -> Dense(k, no bias) with weights W [d, k]: a linear model whose MSE Hessian is known. */
export function linearModel(w: number[][]): tf.LayersModel {
  const input = tf.input({ shape: [w.length] });
  const dense = tf.layers.dense({ units: w[0].length, useBias: false, name: 'lin' });
  const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
  dense.setWeights([tf.tensor2d(w)]);
  return model;
}

/** Mean over samples of the squared error summed over outputs: Hessian 2/n X^T X per output column. */
export const mse = (out: tf.Tensor, y: tf.Tensor): tf.Scalar => tf.mean<tf.Scalar>(tf.sum(tf.square(tf.sub(out, y)), -1));

/** Orthonormal columns by Gram-Schmidt of a fixed full-rank matrix (plain JS). */
export function orthonormal(n: number): number[][] {
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    let v = Array.from({ length: n }, (_, i) => Math.sin(1 + 3 * i + 7 * j * j) + (i === j ? 2 : 0));
    for (const q of cols) {
      const p = v.reduce((s, x, i) => s + x * q[i], 0);
      v = v.map((x, i) => x - p * q[i]);
    }
    const nrm = Math.hypot(...v);
    cols.push(v.map((x) => x / nrm));
  }
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i])); // Q[i][j] = column j, row i
}

export function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

export const transpose = (a: number[][]): number[][] => a[0].map((_, j) => a.map((r) => r[j]));

/** Q diag(eigs) Q^T: a dense symmetric matrix with known eigenvalues. */
export function withEigenvalues(eigs: number[]): number[][] {
  const q = orthonormal(eigs.length);
  return matmul(
    q.map((row) => row.map((x, j) => x * eigs[j])),
    transpose(q),
  );
}

/**
 * f(w) = 1/2 w^T A w + b^T w with w split over two variables (sizes 2 and rows-2, the second shaped
 * [rows-2, 1]), so vectors span several tensors. Hessian A.
 */
export class QuadraticOracle implements GradientOracle {
  readonly variables: tf.Variable[];
  private readonly a: tf.Tensor2D;
  private readonly b: tf.Tensor1D;
  private static count = 0;

  constructor(a: number[][], b: number[], w0: number[]) {
    const id = QuadraticOracle.count++;
    const n = a.length;
    this.a = tf.tensor2d(a);
    this.b = tf.tensor1d(b);
    this.variables = [
      tf.variable(tf.tensor1d(w0.slice(0, 2)), true, `quad${id}/head`),
      tf.variable(tf.tensor2d(w0.slice(2), [n - 2, 1]), true, `quad${id}/tail`),
    ];
  }

  private flat(): tf.Tensor1D {
    return tf.concat([this.variables[0], tf.reshape(this.variables[1], [-1])]) as tf.Tensor1D;
  }

  value(): number {
    return tf
      .tidy(() => {
        const w = this.flat();
        return tf.add(tf.mul(0.5, tf.sum(tf.mul(w, tf.reshape(tf.matMul(this.a, tf.reshape(w, [-1, 1])), [-1])))), tf.sum(tf.mul(this.b, w)));
      })
      .arraySync() as number;
  }

  gradient(): tf.Tensor[] {
    const { value, grads } = tf.variableGrads(
      () =>
        tf.tidy(() => {
          const w = this.flat();
          const aw = tf.reshape(tf.matMul(this.a, tf.reshape(w, [-1, 1])), [-1]);
          return tf.add<tf.Scalar>(tf.mul(0.5, tf.sum(tf.mul(w, aw))), tf.sum(tf.mul(this.b, w)));
        }),
      this.variables,
    );
    value.dispose();
    return this.variables.map((v) => grads[v.name]);
  }

  dispose(): void {
    tf.dispose([this.a, this.b, ...this.variables]);
  }
}

/** input[2] -> depth x (Dense(width) -> act) -> Dense(classes), seeded Glorot kernels. */
export function mlp(depth: number, width: number, activation: ActivationSpec, seed = 0, classes = 3): tf.LayersModel {
  const input = tf.input({ shape: [2] });
  let x: tf.SymbolicTensor = input;
  for (let i = 1; i <= depth; i++) {
    x = tf.layers
      .dense({ units: width, kernelInitializer: tf.initializers.heNormal({ seed: seed * 100 + i }), name: `dense${i}` })
      .apply(x) as tf.SymbolicTensor;
    x = activationLayer(activation, { name: `act${i}` }).apply(x) as tf.SymbolicTensor;
  }
  const out = tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 100 + 99 }), name: 'fc' }).apply(x);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

/** `classes`-armed spirals in the plane with class indices (plain JS, deterministic). */
export function spirals(n: number, classes = 3): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const t = (Math.floor(i / classes) + 1) / Math.ceil(n / classes);
    const angle = 4 * t + (2 * Math.PI * c) / classes + 0.2 * Math.sin(97 * i);
    xs.push([t * Math.cos(angle), t * Math.sin(angle)]);
    ys.push(c);
  }
  return { x: tf.tensor2d(xs), y: tf.tensor1d(ys, 'int32') };
}

/** Every variable's values as plain arrays (for bitwise comparisons). */
export function values(vars: tf.Variable[]): Float32Array[] {
  return vars.map((v) => v.dataSync().slice() as Float32Array);
}

/** Eigenvalues (ascending) of a symmetric matrix by cyclic Jacobi rotations (plain JS reference). */
export function jacobiEigenvalues(m: number[][]): number[] {
  const n = m.length;
  const a = m.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]).sort((x, y) => x - y);
}

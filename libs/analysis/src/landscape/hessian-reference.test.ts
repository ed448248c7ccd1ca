import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '@sugar-lab/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LandscapeEvaluator } from './evaluator';
import { hessianEigenvalues } from './hessian';

// Exact float64 spectra from PyTorch + numpy (tools/reference/hessian/make_reference.py, checked in with its output).
const REFERENCE_DIR = path.resolve(__dirname, '../../../../tools/reference/hessian');

interface Reference {
  layers: { kernel: number[][]; bias: number[] }[];
  x: number[][];
  y: number[];
  loss: number;
  lambdaMax: number;
  lambdaMin: number;
}

function loadReference(name: string): Reference {
  const file = path.join(REFERENCE_DIR, `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`reference ${file} missing; run python3 tools/reference/hessian/make_reference.py`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Reference;
}

/** The reference's ReLU MLP in tfjs (kernels are stored [in, out], as tfjs holds them), on its data. */
function evaluatorFor(ref: Reference): { ev: LandscapeEvaluator; model: tf.LayersModel } {
  const input = tf.input({ shape: [ref.x[0].length] });
  const dense = ref.layers.map((l) => tf.layers.dense({ units: l.bias.length }));
  let h: tf.SymbolicTensor = input;
  dense.forEach((d, i) => {
    h = d.apply(h) as tf.SymbolicTensor;
    if (i < dense.length - 1) h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  });
  const model = tf.model({ inputs: input, outputs: h });
  dense.forEach((d, i) => d.setWeights([tf.tensor2d(ref.layers[i].kernel), tf.tensor1d(ref.layers[i].bias)]));
  const x = tf.tensor2d(ref.x);
  const y = tf.tensor1d(ref.y, 'int32');
  const ev = new LandscapeEvaluator(model, { x, y });
  tf.dispose([x, y]);
  return { ev, model };
}

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe.each(['mlp-deep', 'mlp-small'])('hessianEigenvalues against the exact Hessian of %s', (name) => {
  const ref = loadReference(name);
  let ev: LandscapeEvaluator;
  let model: tf.LayersModel;
  beforeAll(() => ({ ev, model } = evaluatorFor(ref)));
  afterAll(() => {
    ev.dispose();
    model.dispose();
  });

  it('is the reference model: same loss', () => {
    expect(relErr(ev.measure().loss, ref.loss)).toBeLessThan(1e-5);
  });

  it('Lanczos with the defaults converges to lambda_max and lambda_min within 1e-3', () => {
    const before = tf.memory().numTensors;
    const s = hessianEigenvalues(ev);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.converged).toBe(true);
    expect(s.residual).toBeLessThanOrEqual(s.tolerance);
    expect(relErr(s.max, ref.lambdaMax)).toBeLessThan(1e-3);
    expect(relErr(s.min, ref.lambdaMin)).toBeLessThan(1e-3);
    expect(s.ratio).toBeCloseTo(Math.abs(ref.lambdaMin / ref.lambdaMax), 5);
  });

  if (name === 'mlp-small') {
    it('power iteration with the defaults converges to both ends too, lambda_min with its sign', () => {
      const s = hessianEigenvalues(ev, { method: 'power' });
      expect(s.converged).toBe(true);
      expect(s.dominant!.converged && s.shifted!.converged).toBe(true);
      expect(relErr(s.max, ref.lambdaMax)).toBeLessThan(1e-3);
      expect(relErr(s.min, ref.lambdaMin)).toBeLessThan(1e-3);
    });
  } else {
    it('Lanczos capped at 20 steps says it did not converge (its lambda_min is 45% short)', () => {
      const s = hessianEigenvalues(ev, { iterations: 20 });
      expect(s.products).toBe(20);
      expect(s.converged).toBe(false);
      expect(s.residual).toBeGreaterThan(s.tolerance);
      // Ritz values lie inside the spectrum: a short run errs toward 0, never past lambda_min.
      expect(s.min).toBeGreaterThan(ref.lambdaMin);
      expect(relErr(s.max, ref.lambdaMax)).toBeLessThan(1e-3);
    });

    it('power iteration finds lambda_max, and says that lambda_min (a cluster next to the bulk) did not converge', () => {
      const s = hessianEigenvalues(ev, { method: 'power', iterations: 100 });
      expect(relErr(s.max, ref.lambdaMax)).toBeLessThan(2e-3);
      expect(s.dominant!.converged).toBe(true);
      expect(s.shifted!.converged).toBe(false);
      expect(s.converged).toBe(false);
      expect(s.residual).toBeGreaterThan(s.tolerance);
      // A Rayleigh quotient: an upper bound on lambda_min, short of it (here still on the wrong side of 0).
      expect(s.min).toBeGreaterThanOrEqual(ref.lambdaMin - 1e-4 * ref.lambdaMax);
    });
  }
});

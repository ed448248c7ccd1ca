import { tf } from '@sugar-lab/core';
import { randomDirection } from './directions';
import { LandscapeError } from './errors';
import type { GradientOracle } from './evaluator';
import { vdot, vnorm, type ParamVector } from './param-vector';
import { assignVariables, snapshotVariables } from './weights';

export interface HessianOptions {
  /** Power iterations per eigenvalue (default 20). */
  iterations?: number;
  /** Finite-difference step along the unit vector v (default 1e-3). */
  epsilon?: number;
  /** Stop early once the eigenvalue estimate changes by at most this fraction (default 1e-4; 0: run every iteration). */
  tolerance?: number;
  /** Seeds the start vectors (default 0). */
  seed?: number;
}

export interface EigenEstimate {
  value: number;
  iterations: number;
  converged: boolean;
}

export interface HessianSpectrum {
  /** Largest eigenvalue (lambda_max). */
  max: number;
  /** Smallest eigenvalue (lambda_min; negative where the loss curves down). */
  min: number;
  /** |lambda_min / lambda_max| (Li et al.'s convexity measure: near 0 means locally convex). */
  ratio: number;
  /** The dominant-magnitude eigenvalue found first, and the one found on the shifted operator. */
  dominant: EigenEstimate;
  shifted: EigenEstimate;
}

const START_STREAM = 2000;

function moveTo(vars: tf.Variable[], center: ParamVector, v: ParamVector, step: number): void {
  tf.tidy(() => vars.forEach((x, i) => x.assign(tf.add(center[i], tf.mul(v[i], step)))));
}

// H v ~ (g(w + eps v) - g(w - eps v)) / 2 eps; leaves the variables off center (callers restore).
function hvpAt(oracle: GradientOracle, center: ParamVector, v: ParamVector, eps: number): ParamVector {
  moveTo(oracle.variables, center, v, eps);
  const gp = oracle.gradient();
  let gm: ParamVector = [];
  try {
    moveTo(oracle.variables, center, v, -eps);
    gm = oracle.gradient();
    return tf.tidy(() => gp.map((g, i) => tf.div(tf.sub(g, gm[i]), 2 * eps)));
  } finally {
    tf.dispose([...gp, ...gm]);
  }
}

function checkOptions(opts: HessianOptions): Required<HessianOptions> {
  const r = { iterations: opts.iterations ?? 20, epsilon: opts.epsilon ?? 1e-3, tolerance: opts.tolerance ?? 1e-4, seed: opts.seed ?? 0 };
  if (!Number.isInteger(r.iterations) || r.iterations < 1) throw new LandscapeError(`hessian: iterations expected an integer >= 1; found ${r.iterations}`);
  if (!(r.epsilon > 0) || !Number.isFinite(r.epsilon)) throw new LandscapeError(`hessian: epsilon expected a finite number > 0; found ${r.epsilon}`);
  if (!(r.tolerance >= 0)) throw new LandscapeError(`hessian: tolerance expected a number >= 0; found ${r.tolerance}`);
  return r;
}

/**
 * The Hessian of the oracle's objective times `v`, by central differences of gradients (tfjs cannot
 * differentiate every surrogate twice, and gradients are all any model offers). Exact for a quadratic
 * objective up to rounding. Restores the variables.
 */
export function hessianVectorProduct(oracle: GradientOracle, v: ParamVector, opts: Pick<HessianOptions, 'epsilon'> = {}): ParamVector {
  const { epsilon } = checkOptions(opts);
  const vars = oracle.variables;
  if (v.length !== vars.length) throw new LandscapeError(`hessianVectorProduct: expected ${vars.length} tensors, one per variable; found ${v.length}`);
  const center = snapshotVariables(vars);
  try {
    return hvpAt(oracle, center, v, epsilon);
  } finally {
    assignVariables(vars, center, 'hessianVectorProduct');
    tf.dispose(center);
  }
}

/**
 * Power iteration on `apply` from `start` (consumed); the estimate is the Rayleigh quotient v·Av of the
 * unit iterate. `offset` is the shift applied to the operator: convergence is judged on the eigenvalue
 * of H (estimate + offset), since a small eigenvalue next to a large shift barely moves the shifted one.
 */
function powerIterate(apply: (v: ParamVector) => ParamVector, start: ParamVector, iterations: number, tolerance: number, offset = 0): EigenEstimate {
  let v = tf.tidy(() => {
    const n = vnorm(start);
    return start.map((t) => tf.div(t, n));
  });
  tf.dispose(start);
  let value = NaN;
  let k = 0;
  let converged = false;
  try {
    for (k = 1; k <= iterations; k++) {
      const av = apply(v);
      const stats = tf.tidy(() => tf.stack([vdot(v, av), vnorm(av)]));
      const [lambda, norm] = stats.dataSync();
      stats.dispose();
      tf.dispose(v);
      v = [];
      if (!Number.isFinite(lambda) || !Number.isFinite(norm)) {
        tf.dispose(av);
        throw new LandscapeError(`hessian: power iteration ${k} produced a non-finite value (${lambda}, |Av| ${norm}); the loss may be non-finite near these weights`);
      }
      if (norm === 0) {
        // v lies in the null space: an exact eigenvalue 0.
        tf.dispose(av);
        return { value: 0, iterations: k, converged: true };
      }
      v = tf.tidy(() => av.map((t) => tf.div(t, norm)));
      tf.dispose(av);
      const done = tolerance > 0 && Math.abs(lambda - value) <= tolerance * Math.abs(lambda + offset);
      value = lambda;
      if (done) {
        converged = true;
        break;
      }
    }
    return { value, iterations: Math.min(k, iterations), converged };
  } finally {
    tf.dispose(v);
  }
}

/**
 * The largest and smallest Hessian eigenvalues of the objective at the current weights by power
 * iteration on finite-difference Hessian-vector products: first the dominant-magnitude eigenvalue
 * lambda_d, then power iteration on H - lambda_d I, whose dominant eigenvalue is the other end of the
 * spectrum minus lambda_d. The far end converges slowly when many eigenvalues sit near 0 (usual for
 * networks): with few iterations lambda_min is an estimate between the true lambda_min and 0.
 * Restores the variables.
 */
export function hessianEigenvalues(oracle: GradientOracle, opts: HessianOptions = {}): HessianSpectrum {
  const { iterations, epsilon, tolerance, seed } = checkOptions(opts);
  const vars = oracle.variables;
  const center = snapshotVariables(vars);
  try {
    const hvp = (v: ParamVector) => hvpAt(oracle, center, v, epsilon);
    const dominant = powerIterate(hvp, randomDirection(center, seed, START_STREAM), iterations, tolerance);
    const shift = dominant.value;
    const shiftedOp = (v: ParamVector) => {
      const hv = hvp(v);
      const out = tf.tidy(() => hv.map((t, i) => tf.sub(t, tf.mul(v[i], shift))));
      tf.dispose(hv);
      return out;
    };
    const shifted = powerIterate(shiftedOp, randomDirection(center, seed, START_STREAM + 1), iterations, tolerance, shift);
    const other = shifted.value + shift;
    const [max, min] = shift >= 0 ? [shift, other] : [other, shift];
    return { max, min, ratio: Math.abs(min / max), dominant, shifted };
  } finally {
    assignVariables(vars, center, 'hessianEigenvalues');
    tf.dispose(center);
  }
}

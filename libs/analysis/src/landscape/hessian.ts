import { tf } from '@sugar-lab/core';
import { randomDirection } from './directions';
import { LandscapeError } from './errors';
import type { GradientOracle } from './evaluator';
import { vdot, vnorm, type ParamVector } from './param-vector';
import { tridiagonalEigenvalues } from './tridiagonal';
import { assignVariables, snapshotVariables } from './weights';

export interface HessianOptions {
  /**
   * 'lanczos' (default): both ends of the spectrum from one Krylov space, one Hessian-vector product
   * per step. 'power': power iteration for the dominant eigenvalue, then on H - lambda_d I for the
   * other end; the other end converges very slowly when most eigenvalues sit near 0, as in networks.
   */
  method?: 'lanczos' | 'power';
  /** Lanczos steps, or power iterations per eigenvalue (default 20). */
  iterations?: number;
  /** Finite-difference step along the unit vector v (default 1e-3). */
  epsilon?: number;
  /** Stop early once the estimates (Lanczos: both ends) change by at most this fraction in a step (default 1e-4; 0: never). */
  tolerance?: number;
  /** Seeds the start vectors (default 0). */
  seed?: number;
  /** Lanczos: keep the basis and re-orthogonalize each new vector against it (default: when the basis fits in 64 MB). */
  reorthogonalize?: boolean;
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
  method: 'lanczos' | 'power';
  /** Hessian-vector products used (two gradients each). */
  products: number;
  /** Whether both ends settled within the tolerance (Lanczos: or the Krylov space became invariant). */
  converged: boolean;
  /** 'lanczos': the Ritz values of the last step, ascending. */
  ritz?: number[];
  /** 'power': the dominant-magnitude eigenvalue found first, and the one found on the shifted operator. */
  dominant?: EigenEstimate;
  shifted?: EigenEstimate;
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

function checkOptions(opts: HessianOptions): Required<Omit<HessianOptions, 'reorthogonalize'>> {
  const r = { method: opts.method ?? 'lanczos', iterations: opts.iterations ?? 20, epsilon: opts.epsilon ?? 1e-3, tolerance: opts.tolerance ?? 1e-4, seed: opts.seed ?? 0 };
  if (r.method !== 'lanczos' && r.method !== 'power') throw new LandscapeError(`hessian: method expected 'lanczos' or 'power'; found ${JSON.stringify(r.method)}`);
  if (!Number.isInteger(r.iterations) || r.iterations < 1) throw new LandscapeError(`hessian: iterations expected an integer >= 1; found ${r.iterations}`);
  if (!(r.epsilon > 0) || !Number.isFinite(r.epsilon)) throw new LandscapeError(`hessian: epsilon expected a finite number > 0; found ${r.epsilon}`);
  if (!(r.tolerance >= 0)) throw new LandscapeError(`hessian: tolerance expected a number >= 0; found ${r.tolerance}`);
  return r;
}

/**
 * The Hessian of the oracle's objective times `v`, by central differences of gradients: tfjs's
 * second-order gradients are incomplete (logSoftmax and sigmoid, so B-SiLU, are not differentiated
 * twice), first-order ones always work. Exact for a quadratic objective up to rounding. The oracle's
 * `freeze` (a LandscapeEvaluator's ReLU pieces) holds during the product. Restores the variables.
 */
export function hessianVectorProduct(oracle: GradientOracle, v: ParamVector, opts: Pick<HessianOptions, 'epsilon'> = {}): ParamVector {
  const { epsilon } = checkOptions(opts);
  const vars = oracle.variables;
  if (v.length !== vars.length) throw new LandscapeError(`hessianVectorProduct: expected ${vars.length} tensors, one per variable; found ${v.length}`);
  const center = snapshotVariables(vars);
  const thaw = oracle.freeze?.();
  try {
    return hvpAt(oracle, center, v, epsilon);
  } finally {
    thaw?.();
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
 * The dominant-magnitude Hessian eigenvalue (for a trained network, normally the top one, lambda_max)
 * by power iteration on finite-difference Hessian-vector products. Restores the variables.
 */
export function topHessianEigenvalue(oracle: GradientOracle, opts: Omit<HessianOptions, 'method' | 'reorthogonalize'> = {}): EigenEstimate {
  const { iterations, epsilon, tolerance, seed } = checkOptions(opts);
  const vars = oracle.variables;
  const center = snapshotVariables(vars);
  const thaw = oracle.freeze?.();
  try {
    return powerIterate((v) => hvpAt(oracle, center, v, epsilon), randomDirection(center, seed, START_STREAM), iterations, tolerance);
  } finally {
    thaw?.();
    assignVariables(vars, center, 'topHessianEigenvalue');
    tf.dispose(center);
  }
}

function powerSpectrum(hvp: (v: ParamVector) => ParamVector, center: ParamVector, o: Required<Omit<HessianOptions, 'reorthogonalize'>>): HessianSpectrum {
  const dominant = powerIterate(hvp, randomDirection(center, o.seed, START_STREAM), o.iterations, o.tolerance);
  const shift = dominant.value;
  const shiftedOp = (v: ParamVector) => {
    const hv = hvp(v);
    const out = tf.tidy(() => hv.map((t, i) => tf.sub(t, tf.mul(v[i], shift))));
    tf.dispose(hv);
    return out;
  };
  const shifted = powerIterate(shiftedOp, randomDirection(center, o.seed, START_STREAM + 1), o.iterations, o.tolerance, shift);
  const other = shifted.value + shift;
  const [max, min] = shift >= 0 ? [shift, other] : [other, shift];
  const products = dominant.iterations + shifted.iterations;
  return { max, min, ratio: Math.abs(min / max), method: 'power', products, converged: dominant.converged && shifted.converged, dominant, shifted };
}

const REORTH_FLOATS = 16 * 1024 * 1024;

/**
 * Lanczos on the Hessian: builds an orthonormal Krylov basis with one Hessian-vector product per step
 * and reads both ends of the spectrum off the tridiagonal matrix's eigenvalues (Ritz values). The ends
 * converge much faster than with power iteration, and Li et al. computed their ratio this way.
 */
function lanczosSpectrum(hvp: (v: ParamVector) => ParamVector, center: ParamVector, o: Required<Omit<HessianOptions, 'reorthogonalize'>>, reorth: boolean): HessianSpectrum {
  const size = center.reduce((n, t) => n + t.size, 0);
  const steps = Math.min(o.iterations, size);
  const a: number[] = [];
  const b: number[] = [];
  const start = randomDirection(center, o.seed, START_STREAM);
  let v: ParamVector = tf.tidy(() => {
    const n = vnorm(start);
    return start.map((t) => tf.div(t, n));
  });
  tf.dispose(start);
  const basis: ParamVector[] = reorth ? [v] : [];
  let prev: ParamVector | undefined;
  let prevBeta = 0;
  let ritz: number[] = [];
  let converged = false;
  let products = 0;
  try {
    for (let j = 0; j < steps; j++) {
      const hv = hvp(v);
      products++;
      const { w, stats } = tf.tidy(() => {
        const alpha = vdot(v, hv);
        let w = hv.map((t, i) => tf.sub(tf.sub(t, tf.mul(v[i], alpha)), prev ? tf.mul(prev[i], prevBeta) : 0));
        for (const u of basis) {
          const c = vdot(w, u);
          w = w.map((t, i) => tf.sub(t, tf.mul(u[i], c)));
        }
        return { w, stats: tf.stack([alpha, vnorm(w), vnorm(hv)]) };
      });
      tf.dispose(hv);
      const [alpha, beta, hvNorm] = stats.dataSync();
      stats.dispose();
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        tf.dispose(w);
        throw new LandscapeError(`hessian: Lanczos step ${j + 1} produced a non-finite value (alpha ${alpha}, beta ${beta}); the loss may be non-finite near these weights`);
      }
      a.push(alpha);
      const next = tridiagonalEigenvalues(a, b);
      const settled =
        ritz.length > 0 &&
        o.tolerance > 0 &&
        Math.abs(next[0] - ritz[0]) <= o.tolerance * Math.abs(next[0]) &&
        Math.abs(next[next.length - 1] - ritz[ritz.length - 1]) <= o.tolerance * Math.abs(next[next.length - 1]);
      ritz = next;
      // An invariant subspace (beta ~ 0) holds exact eigenvalues: nothing more to find from this start.
      const invariant = beta <= 1e-5 * hvNorm;
      if (settled || invariant || j === steps - 1) {
        converged = settled || invariant;
        tf.dispose(w);
        break;
      }
      b.push(beta);
      const vNext = tf.tidy(() => w.map((t) => tf.div(t, beta)));
      tf.dispose(w);
      if (!reorth && prev) tf.dispose(prev);
      prev = v;
      prevBeta = beta;
      v = vNext;
      if (reorth) basis.push(v);
    }
  } finally {
    if (reorth) basis.forEach((u) => tf.dispose(u));
    else tf.dispose([...(prev ?? []), ...v]);
  }
  const max = ritz[ritz.length - 1];
  const min = ritz[0];
  return { max, min, ratio: Math.abs(min / max), method: 'lanczos', products, converged, ritz };
}

/**
 * The largest and smallest Hessian eigenvalues of the objective at the current weights from
 * finite-difference Hessian-vector products, by Lanczos (default) or by power iteration followed by
 * power iteration on the shifted operator H - lambda_d I. With few steps, lambda_min is an estimate
 * between the true lambda_min and the bulk of the spectrum near 0 (power iteration: far from it).
 * Restores the variables.
 */
export function hessianEigenvalues(oracle: GradientOracle, opts: HessianOptions = {}): HessianSpectrum {
  const o = checkOptions(opts);
  const vars = oracle.variables;
  const center = snapshotVariables(vars);
  const thaw = oracle.freeze?.();
  try {
    const hvp = (v: ParamVector) => hvpAt(oracle, center, v, o.epsilon);
    if (o.method === 'power') return powerSpectrum(hvp, center, o);
    const size = center.reduce((n, t) => n + t.size, 0);
    return lanczosSpectrum(hvp, center, o, opts.reorthogonalize ?? size * o.iterations <= REORTH_FLOATS);
  } finally {
    thaw?.();
    assignVariables(vars, center, 'hessianEigenvalues');
    tf.dispose(center);
  }
}

import { tf } from '@sugar-lab/core';
import { randomDirection } from './directions';
import { LandscapeError, NonFiniteLossError } from './errors';
import type { GradientOracle } from './evaluator';
import { vdot, vnorm, type ParamVector } from './param-vector';
import { tridiagonalEigenvalues, tridiagonalEigenvector, tridiagonalExtremes } from './tridiagonal';
import { assignVariables, snapshotVariables } from './weights';

export interface HessianOptions {
  /**
   * 'lanczos' (default): both ends of the spectrum from one Krylov space, one Hessian-vector product
   * per step. 'power': power iteration for the dominant eigenvalue, then on H - lambda_d I for the
   * other end; the other end converges very slowly when most eigenvalues sit near 0, as in networks.
   */
  method?: 'lanczos' | 'power';
  /**
   * The most Lanczos steps, or power iterations per eigenvalue, before giving up with `converged: false`
   * (default 200 for Lanczos, 1000 for power iteration).
   */
  iterations?: number;
  /** Finite-difference step along the unit vector v (default 1e-3). */
  epsilon?: number;
  /**
   * Converged when the residual |H y - lambda y| of each end's estimate (Lanczos: its Ritz vector; power:
   * the iterate) is at most `tolerance` times |lambda| (or 1e-3 of the spectral radius, if larger) (default
   * 1e-3; 0: run every iteration). A residual r puts a true eigenvalue within r of the estimate (and
   * typically within r^2 / gap); float32 finite differences leave relative residuals of ~1e-4 at the answer.
   */
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
  /** |H v - value v| of the last unit iterate v, relative to |value| (at least 1e-3 of the spectral radius). */
  residual: number;
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
  /** Whether both ends met the residual tolerance (Lanczos: or the Krylov space became invariant). */
  converged: boolean;
  /** The larger of the two ends' relative residuals (see `HessianOptions.tolerance`). */
  residual: number;
  /** The tolerance the residuals were held to. */
  tolerance: number;
  /** 'lanczos': the Ritz values of the last step, ascending. */
  ritz?: number[];
  /** 'power': the dominant-magnitude eigenvalue found first, and the other end, found on the shifted operator (both eigenvalues of H). */
  dominant?: EigenEstimate;
  shifted?: EigenEstimate;
}

const START_STREAM = 2000;
const DEFAULT_ITERATIONS = { lanczos: 200, power: 1000 } as const;

type Resolved = Required<Omit<HessianOptions, 'reorthogonalize'>>;

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

function checkOptions(opts: HessianOptions): Resolved {
  const method = opts.method ?? 'lanczos';
  if (method !== 'lanczos' && method !== 'power') throw new LandscapeError(`hessian: method expected 'lanczos' or 'power'; found ${JSON.stringify(method)}`);
  const r = {
    method,
    iterations: opts.iterations ?? DEFAULT_ITERATIONS[method],
    epsilon: opts.epsilon ?? 1e-3,
    tolerance: opts.tolerance ?? 1e-3,
    seed: opts.seed ?? 0,
  };
  if (!Number.isInteger(r.iterations) || r.iterations < 1) throw new LandscapeError(`hessian: iterations expected an integer >= 1; found ${r.iterations}`);
  if (!(r.epsilon > 0) || !Number.isFinite(r.epsilon)) throw new LandscapeError(`hessian: epsilon expected a finite number > 0; found ${r.epsilon}`);
  if (!(r.tolerance >= 0) || !Number.isFinite(r.tolerance)) throw new LandscapeError(`hessian: tolerance expected a finite number >= 0; found ${r.tolerance}`);
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

function unit(start: ParamVector): ParamVector {
  const v = tf.tidy(() => {
    const n = vnorm(start);
    return start.map((t) => tf.div(t, n));
  });
  tf.dispose(start);
  return v;
}

/**
 * Power iteration on `apply` (H, or H - offset I) from `start` (consumed). The estimate of H's eigenvalue
 * is offset + the Rayleigh quotient v·Av of the unit iterate; it stops once the residual |Av - (v·Av) v|,
 * the same for H and the shifted operator, meets the tolerance (`radius`: the spectral radius, when known).
 */
function powerIterate(apply: (v: ParamVector) => ParamVector, start: ParamVector, o: Resolved, offset = 0, radius?: number): EigenEstimate {
  let v = unit(start);
  let last: EigenEstimate = { value: NaN, iterations: 0, converged: false, residual: NaN };
  try {
    for (let k = 1; k <= o.iterations; k++) {
      const av = apply(v);
      const stats = tf.tidy(() => {
        const lambda = vdot(v, av);
        return tf.stack([lambda, vnorm(av), vnorm(av.map((t, i) => tf.sub(t, tf.mul(v[i], lambda))))]);
      });
      const [lambda, norm, r] = stats.dataSync();
      stats.dispose();
      tf.dispose(v);
      v = [];
      if (![lambda, norm, r].every(Number.isFinite)) {
        tf.dispose(av);
        throw new NonFiniteLossError(
          `hessian: power iteration ${k} produced a non-finite value (${lambda}, |Av| ${norm}); the loss may be non-finite near these weights`,
        );
      }
      if (norm === 0) {
        // v lies in the null space: an exact eigenvalue 0 (of the operator).
        tf.dispose(av);
        return { value: offset, iterations: k, converged: true, residual: 0 };
      }
      v = tf.tidy(() => av.map((t) => tf.div(t, norm)));
      tf.dispose(av);
      const value = lambda + offset;
      const residual = relative(r, residualScale(value, radius ?? value));
      last = { value, iterations: k, converged: o.tolerance > 0 && residual <= o.tolerance, residual };
      if (last.converged) break;
    }
    return last;
  } finally {
    tf.dispose(v);
  }
}

/**
 * The dominant-magnitude Hessian eigenvalue (for a trained network, normally the top one, lambda_max)
 * by power iteration on finite-difference Hessian-vector products. Restores the variables.
 *
 * @param oracle the variables and the gradient of the objective (a LandscapeEvaluator)
 * @param opts iterations, tolerance, finite-difference step and seed
 */
export function topHessianEigenvalue(oracle: GradientOracle, opts: Omit<HessianOptions, 'method' | 'reorthogonalize'> = {}): EigenEstimate {
  const o = checkOptions({ ...opts, method: 'power' });
  const vars = oracle.variables;
  const center = snapshotVariables(vars);
  const thaw = oracle.freeze?.();
  try {
    return powerIterate((v) => hvpAt(oracle, center, v, o.epsilon), randomDirection(center, o.seed, START_STREAM), o);
  } finally {
    thaw?.();
    assignVariables(vars, center, 'topHessianEigenvalue');
    tf.dispose(center);
  }
}

/**
 * Power iteration for the dominant eigenvalue lambda_d, then on H - lambda_d I, whose dominant eigenvalue
 * is (other end) - lambda_d <= 0 when lambda_d is the top one (>= 0 when it is the bottom one): the other
 * end is lambda_d plus it. Which end is which follows from the sign of lambda_d.
 */
function powerSpectrum(hvp: (v: ParamVector) => ParamVector, center: ParamVector, o: Resolved): HessianSpectrum {
  const dominant = powerIterate(hvp, randomDirection(center, o.seed, START_STREAM), o);
  const shift = dominant.value;
  const shiftedOp = (v: ParamVector) => {
    const hv = hvp(v);
    const out = tf.tidy(() => hv.map((t, i) => tf.sub(t, tf.mul(v[i], shift))));
    tf.dispose(hv);
    return out;
  };
  const shifted = powerIterate(shiftedOp, randomDirection(center, o.seed, START_STREAM + 1), o, shift, shift);
  const other = shifted.value;
  const [max, min] = shift >= 0 ? [shift, other] : [other, shift];
  const products = dominant.iterations + shifted.iterations;
  const residual = Math.max(dominant.residual, shifted.residual);
  return {
    max,
    min,
    ratio: Math.abs(min / max),
    method: 'power',
    products,
    converged: dominant.converged && shifted.converged,
    residual,
    tolerance: o.tolerance,
    dominant,
    shifted,
  };
}

const REORTH_FLOATS = 16 * 1024 * 1024;

/**
 * What an end's residual is held to: its own |eigenvalue|, so lambda_min is found to `tolerance` relative even
 * when it is tiny next to lambda_max (a residual that is small next to lambda_max is no sign of having found
 * lambda_min: a Ritz value in the bulk near 0 has one too), but at least FLOOR * the spectral radius, so an
 * end that is 0 up to that does not run to the cap.
 */
const FLOOR = 1e-3;
const residualScale = (value: number, radius: number) => Math.max(Math.abs(value), FLOOR * Math.abs(radius));
const relative = (r: number, scale: number) => (scale > 0 ? r / scale : r === 0 ? 0 : Infinity);

/** The extreme Ritz values of T (diag a, off-diagonal b) and their relative residuals, `beta` being the next off-diagonal. */
function ritzEnds(a: number[], b: number[], beta: number): { min: number; max: number; rMin: number; rMax: number } {
  const { min, max } = tridiagonalExtremes(a, b);
  const radius = Math.max(Math.abs(min), Math.abs(max));
  const r = (theta: number) => (beta === 0 ? 0 : relative(beta * Math.abs(tridiagonalEigenvector(a, b, theta)[a.length - 1]), residualScale(theta, radius)));
  return { min, max, rMin: r(min), rMax: r(max) };
}

/**
 * One Lanczos recurrence: w = Hv - alpha v - beta_prev v_prev, then (with `basis`) orthogonalized against every
 * basis vector; `stats` holds [alpha, |w|, |Hv|]. The inputs stay alive; the caller disposes w and stats.
 */
function lanczosResidual(
  v: ParamVector,
  hv: ParamVector,
  prev: ParamVector | undefined,
  prevBeta: number,
  basis: readonly ParamVector[],
): { w: ParamVector; stats: tf.Tensor } {
  return tf.tidy(() => {
    const alpha = vdot(v, hv);
    let w = hv.map((t, i) => tf.sub(tf.sub(t, tf.mul(v[i], alpha)), prev ? tf.mul(prev[i], prevBeta) : 0));
    for (const u of basis) {
      const c = vdot(w, u);
      w = w.map((t, i) => tf.sub(t, tf.mul(u[i], c)));
    }
    return { w, stats: tf.stack([alpha, vnorm(w), vnorm(hv)]) };
  });
}

/**
 * Lanczos on the Hessian: builds an orthonormal Krylov basis with one Hessian-vector product per step
 * and reads both ends of the spectrum off the tridiagonal matrix's eigenvalues (Ritz values). The ends
 * converge much faster than with power iteration, and Li et al. computed their ratio this way. Each
 * end's residual is beta_k |last entry of its eigenvector of T| (no Ritz vector is formed).
 */
function lanczosSpectrum(hvp: (v: ParamVector) => ParamVector, center: ParamVector, o: Resolved, reorth: boolean): HessianSpectrum {
  const size = center.reduce((n, t) => n + t.size, 0);
  const steps = Math.min(o.iterations, size);
  const a: number[] = [];
  const b: number[] = [];
  let v = unit(randomDirection(center, o.seed, START_STREAM));
  const basis: ParamVector[] = reorth ? [v] : [];
  let prev: ParamVector | undefined;
  let prevBeta = 0;
  let ends = { min: NaN, max: NaN, rMin: Infinity, rMax: Infinity };
  let converged = false;
  let products = 0;
  try {
    for (let j = 0; j < steps; j++) {
      const hv = hvp(v);
      products++;
      const { w, stats } = lanczosResidual(v, hv, prev, prevBeta, basis);
      tf.dispose(hv);
      const [alpha, beta, hvNorm] = stats.dataSync();
      stats.dispose();
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        tf.dispose(w);
        throw new NonFiniteLossError(
          `hessian: Lanczos step ${j + 1} produced a non-finite value (alpha ${alpha}, beta ${beta}); the loss may be non-finite near these weights`,
        );
      }
      a.push(alpha);
      ends = ritzEnds(a, b, beta);
      const settled = o.tolerance > 0 && ends.rMin <= o.tolerance && ends.rMax <= o.tolerance;
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
  const { min, max } = ends;
  const residual = Math.max(ends.rMin, ends.rMax);
  return { max, min, ratio: Math.abs(min / max), method: 'lanczos', products, converged, residual, tolerance: o.tolerance, ritz: tridiagonalEigenvalues(a, b) };
}

/**
 * The largest and smallest Hessian eigenvalues of the objective at the current weights from
 * finite-difference Hessian-vector products, by Lanczos (default) or by power iteration followed by
 * power iteration on the shifted operator H - lambda_d I. Each method runs until both ends meet the
 * residual tolerance or `iterations` is spent, and says which in `converged` and `residual`: an
 * unconverged lambda_min lies between the true one and the bulk of the spectrum near 0 (power
 * iteration: often on the wrong side of 0). Restores the variables. Throws NonFiniteLossError when the
 * loss is not finite near the weights.
 *
 * @param oracle the variables and the gradient of the objective (a LandscapeEvaluator)
 * @param opts method (Lanczos or power iteration), iterations, tolerance, finite-difference step and seed
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
    return lanczosSpectrum(hvp, center, o, opts.reorthogonalize ?? size * Math.min(o.iterations, size) <= REORTH_FLOATS);
  } finally {
    thaw?.();
    assignVariables(vars, center, 'hessianEigenvalues');
    tf.dispose(center);
  }
}

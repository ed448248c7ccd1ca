import type { SugarRegion } from './activation-spec';
import { SurrogateError } from './errors';
import { resolveSurrogate, surrogateDefinition, type Surrogate, type SurrogateLike } from './surrogate';
import { BUILTIN_SURROGATES } from './surrogates-builtin';
import { hasKernel, SUGAR_BSILU_GRAD, SUGAR_GELU, SUGAR_GELU_GRAD, SUGAR_NELU_GRAD } from './tensorflow-kernels';
import * as tf from './tf';

export interface SugarReluOptions {
  /** 'all' (default): f'(x) everywhere. 'negative': gradient 1 for x > 0, f'(x) for x <= 0. */
  region?: SugarRegion;
}

type UnaryOp = (x: tf.Tensor) => tf.Tensor;

// One customGrad closure per (surrogate, region): customGrad keeps no state between calls.
const ops = new WeakMap<Surrogate, Partial<Record<SugarRegion, UnaryOp>>>();

// dy * f'(x) in one engine dispatch where the backend has a kernel for it (tensorflow: a few native ops,
// no scalar uploads), for the built-in definition only (a surrogate registered over it keeps its own grad).
const FUSED_GRADS: Record<string, { kernel: string; def: unknown }> = {
  bsilu: { kernel: SUGAR_BSILU_GRAD, def: BUILTIN_SURROGATES.find((d) => d.name === 'bsilu') },
  nelu: { kernel: SUGAR_NELU_GRAD, def: BUILTIN_SURROGATES.find((d) => d.name === 'nelu') },
};

// Second derivatives through NeLU's kernel: d/d(dy) is the kernel again; d/dx is dy * nelu''(x), with
// nelu''(x) = 2 alpha (1 - 3 m^2) / (1 + m^2)^3 for x <= 0 (m = min(x, 0)) and 0 above.
tf.registerGradient({
  kernelName: SUGAR_NELU_GRAD,
  inputsToSave: ['dy', 'x'],
  gradFunc: (ddx, [dy, x], attrs) => {
    const { alpha } = attrs as { alpha: number };
    return {
      dy: () => tf.engine().runKernel<tf.Tensor>(SUGAR_NELU_GRAD, { dy: ddx as tf.Tensor, x }, { alpha }),
      x: () => {
        const m2 = tf.square(tf.minimum(x, 0));
        const curve = tf.where(tf.greater(x, 0), tf.zerosLike(x), tf.div(tf.mul(tf.sub(1, tf.mul(m2, 3)), 2 * alpha), tf.pow(tf.add(m2, 1), 3)));
        return tf.mul(tf.mul(dy, ddx as tf.Tensor), curve);
      },
    };
  },
});

// Second derivatives through the fused kernel: d/d(dy) is the kernel again; d/dx is dy * bsilu''(x), with
// bsilu''(x) = s (1 - s) (2 + (x + alpha)(1 - 2 s)), written out (tf.grad cannot run inside a backward pass).
tf.registerGradient({
  kernelName: SUGAR_BSILU_GRAD,
  inputsToSave: ['dy', 'x'],
  gradFunc: (ddx, [dy, x], attrs) => {
    const { alpha } = attrs as { alpha: number };
    return {
      dy: () => tf.engine().runKernel<tf.Tensor>(SUGAR_BSILU_GRAD, { dy: ddx as tf.Tensor, x }, { alpha }),
      x: () => {
        const s = tf.sigmoid(x);
        const curve = tf.mul(tf.mul(s, tf.sub(1, s)), tf.add(tf.mul(tf.add(x, alpha), tf.sub(1, tf.mul(s, 2))), 2));
        return tf.mul(tf.mul(dy, ddx as tf.Tensor), curve);
      },
    };
  },
});

function fusedGrad(s: Surrogate): ((dy: tf.Tensor, x: tf.Tensor) => tf.Tensor) | undefined {
  const f = FUSED_GRADS[s.name];
  if (!f || surrogateDefinition(s.name) !== f.def) return undefined;
  return (dy, x) => (hasKernel(f.kernel) ? tf.engine().runKernel<tf.Tensor>(f.kernel, { dy, x }, { ...s.params }) : tf.mul(dy, s.grad(x)));
}

function buildOp(s: Surrogate, region: SugarRegion): UnaryOp {
  const negativeOnly = region === 'negative' && !s.unitSlopeForPositive;
  const dyTimesGrad = fusedGrad(s) ?? ((dy: tf.Tensor, x: tf.Tensor) => tf.mul(dy, s.grad(x)));
  return tf.customGrad<tf.Tensor>((x, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor]);
    return {
      // Literally ReLU, so the forward pass is bit-identical to tf.relu on every backend.
      value: tf.relu(x as tf.Tensor),
      gradFunc: (dy, saved) => {
        const [xs] = saved;
        const g = dyTimesGrad(dy, xs);
        if (!negativeOnly) return g;
        // Select directly: tf.where would first broadcast its three same-shaped inputs (3 more kernels).
        return tf.engine().runKernel<tf.Tensor>('Select', { condition: tf.greater(xs, 0), t: dy, e: g });
      },
    };
  });
}

export function checkRegion(region: unknown, where: string): SugarRegion {
  if (region === undefined) return 'all';
  if (region !== 'all' && region !== 'negative') {
    throw new SurrogateError(`${where}: region must be one of: all, negative; found ${JSON.stringify(region)}`);
  }
  return region;
}

/**
 * SUGAR: returns exactly `tf.relu(x)`; in the backward pass the incoming gradient is multiplied
 * by the surrogate's derivative f'(x) instead of ReLU's step.
 */
export function sugarRelu<T extends tf.Tensor>(x: T, surrogate: SurrogateLike, opts: SugarReluOptions = {}): T {
  const s = resolveSurrogate(surrogate);
  const region = checkRegion(opts.region, 'sugarRelu');
  let byRegion = ops.get(s);
  if (!byRegion) ops.set(s, (byRegion = {}));
  const op = byRegion[region] ?? (byRegion[region] = buildOp(s, region));
  return op(x) as T;
}

// Forward baselines: f(x) forward and the closed-form f'(x) backward (no autodiff through fn).
const forwardOps = new WeakMap<Surrogate, UnaryOp>();

// The exact GELU as one native op each way where sugar-lab's native kernels run (built-in definition only).
const GELU_DEF = BUILTIN_SURROGATES.find((d) => d.name === 'gelu');

tf.registerGradient({
  kernelName: SUGAR_GELU,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.engine().runKernel<tf.Tensor>(SUGAR_GELU_GRAD, { dy: dy as tf.Tensor, x }) }),
});

// Second derivatives: d/d(dy) is the kernel again; d/dx is dy * GELU''(x), GELU''(x) = phi(x) (2 - x^2).
tf.registerGradient({
  kernelName: SUGAR_GELU_GRAD,
  inputsToSave: ['dy', 'x'],
  gradFunc: (ddx, [dy, x]) => ({
    dy: () => tf.engine().runKernel<tf.Tensor>(SUGAR_GELU_GRAD, { dy: ddx as tf.Tensor, x }),
    x: () => {
      const x2 = tf.square(x);
      const curve = tf.mul(tf.mul(tf.exp(tf.mul(x2, -0.5)), 1 / Math.sqrt(2 * Math.PI)), tf.sub(2, x2));
      return tf.mul(tf.mul(dy, ddx as tf.Tensor), curve);
    },
  }),
});

/** The surrogate itself as an activation: `f(x)` forward, `dy * f'(x)` backward. */
export function surrogateActivation<T extends tf.Tensor>(x: T, surrogate: SurrogateLike): T {
  const s = resolveSurrogate(surrogate);
  if (s.name === 'gelu' && surrogateDefinition('gelu') === GELU_DEF && hasKernel(SUGAR_GELU)) return tf.engine().runKernel<T>(SUGAR_GELU, { x });
  let op = forwardOps.get(s);
  if (!op) {
    op = tf.customGrad<tf.Tensor>((x, save) => {
      (save as tf.GradSaveFunc)([x as tf.Tensor]);
      return { value: s.fn(x as tf.Tensor), gradFunc: (dy, [xs]) => tf.mul(dy, s.grad(xs)) };
    });
    forwardOps.set(s, op);
  }
  return op(x) as T;
}

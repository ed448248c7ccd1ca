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

/** Whether `s` is the built-in definition of its name (a surrogate registered over it keeps its own math). */
export const isBuiltinSurrogate = (s: Surrogate) => surrogateDefinition(s.name) === BUILTIN_SURROGATES.find((d) => d.name === s.name);

// dy * f'(x) in one engine dispatch where the backend has a kernel for it (tensorflow: one native op with
// sugar-lab's kernels, a few without, no scalar uploads), for the built-in definitions only.
const FUSED_GRADS: Record<string, string> = { bsilu: SUGAR_BSILU_GRAD, nelu: SUGAR_NELU_GRAD };

// A dy * f'(x) kernel's own gradient: d/d(dy) is the kernel again (it is linear in dy); d/dx is dy * f''(x),
// written out (tf.grad cannot run inside a backward pass).
function registerSecondDerivative(kernel: string, curve: (x: tf.Tensor, attrs: Record<string, number>) => tf.Tensor): void {
  tf.registerGradient({
    kernelName: kernel,
    inputsToSave: ['dy', 'x'],
    gradFunc: (ddx, [dy, x], attrs) => ({
      dy: () => tf.engine().runKernel<tf.Tensor>(kernel, { dy: ddx as tf.Tensor, x }, attrs),
      x: () => tf.mul(tf.mul(dy, ddx as tf.Tensor), curve(x, attrs as Record<string, number>)),
    }),
  });
}

// bsilu''(x) = s (1 - s) (2 + (x + alpha)(1 - 2 s)), s = sigmoid(x).
registerSecondDerivative(SUGAR_BSILU_GRAD, (x, { alpha }) => {
  const s = tf.sigmoid(x);
  return tf.mul(tf.mul(s, tf.sub(1, s)), tf.add(tf.mul(tf.add(x, alpha), tf.sub(1, tf.mul(s, 2))), 2));
});

// nelu''(x) = 2 alpha (1 - 3 m^2) / (1 + m^2)^3 for x <= 0 (m = min(x, 0)), 0 above.
registerSecondDerivative(SUGAR_NELU_GRAD, (x, { alpha }) => {
  const m2 = tf.square(tf.minimum(x, 0));
  return tf.where(tf.greater(x, 0), tf.zerosLike(x), tf.div(tf.mul(tf.sub(1, tf.mul(m2, 3)), 2 * alpha), tf.pow(tf.add(m2, 1), 3)));
});

// GELU''(x) = phi(x) (2 - x^2).
registerSecondDerivative(SUGAR_GELU_GRAD, (x) => {
  const x2 = tf.square(x);
  return tf.mul(tf.mul(tf.exp(tf.mul(x2, -0.5)), 1 / Math.sqrt(2 * Math.PI)), tf.sub(2, x2));
});

function fusedGrad(s: Surrogate): ((dy: tf.Tensor, x: tf.Tensor) => tf.Tensor) | undefined {
  const kernel = FUSED_GRADS[s.name];
  if (!kernel || !isBuiltinSurrogate(s)) return undefined;
  return (dy, x) => (hasKernel(kernel) ? tf.engine().runKernel<tf.Tensor>(kernel, { dy, x }, { ...s.params }) : tf.mul(dy, s.grad(x)));
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
 *
 * @param x the pre-activation
 * @param surrogate the surrogate whose derivative the backward pass uses (name, spec or Surrogate)
 * @param opts `region`: where the surrogate's derivative replaces ReLU's ('all' or 'negative')
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
tf.registerGradient({
  kernelName: SUGAR_GELU,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.engine().runKernel<tf.Tensor>(SUGAR_GELU_GRAD, { dy: dy as tf.Tensor, x }) }),
});

/**
 * The surrogate itself as an activation: `f(x)` forward, `dy * f'(x)` backward.
 *
 * @param x the pre-activation
 * @param surrogate the function to apply (name, spec or Surrogate)
 */
export function surrogateActivation<T extends tf.Tensor>(x: T, surrogate: SurrogateLike): T {
  const s = resolveSurrogate(surrogate);
  if (s.name === 'gelu' && isBuiltinSurrogate(s) && hasKernel(SUGAR_GELU)) return tf.engine().runKernel<T>(SUGAR_GELU, { x });
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

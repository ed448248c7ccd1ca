// The built-in surrogates. Each grad is f'(x) written out with tf ops (not autodiff) and
// arranged for few kernels: it runs once per SUGAR activation per training step.
// At a kink (x = 0) the x <= 0 branch applies.
import { registerSurrogate, type SurrogateDefinition } from './surrogate';
import * as tf from './tf';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

const alpha = (dflt: number, description: string) => ({ alpha: { default: dflt, positive: true, description } });

/** sigmoid(x) * (1 + u * (1 - sigmoid(x))): the derivative of u(x) * sigmoid(x) when u' = 1. */
function sigmoidProductGrad(x: tf.Tensor, u: tf.Tensor): tf.Tensor {
  const s = tf.sigmoid(x);
  return tf.mul(s, tf.add(tf.mul(u, tf.sub(1, s)), 1));
}

export const BUILTIN_SURROGATES: readonly SurrogateDefinition[] = [
  {
    name: 'relu',
    description: 'ReLU itself: the true derivative (step), the baseline',
    fn: (x) => tf.relu(x),
    grad: (x) => tf.step(x),
    unitSlopeForPositive: true,
  },
  {
    name: 'bsilu',
    description: 'B-SiLU: (x + alpha) * sigmoid(x) - alpha / 2',
    params: alpha(1.67, 'shift of the SiLU branch'),
    fn: (x, { alpha: a }) => tf.sub(tf.mul(tf.add(x, a), tf.sigmoid(x)), a / 2),
    // s * ((x + alpha) * (1 - s) + 1), in the association of the first release: every backend's numbers stay
    // what they were (a re-association to TensorFlow's SigmoidGrad moved quick's SUGAR runs by float32 rounding).
    grad: (x, { alpha: a }) => sigmoidProductGrad(x, tf.add(x, a)),
  },
  {
    name: 'nelu',
    description: 'NeLU: x for x > 0, else alpha - alpha / (1 + x^2)',
    params: alpha(0.01, 'height of the negative branch'),
    fn: (x, { alpha: a }) => {
      const m = tf.minimum(x, 0);
      return tf.add(tf.relu(x), tf.sub(a, tf.div(a, tf.add(tf.square(m), 1))));
    },
    // With m = min(x, 0) the negative branch 2 a m / (1 + m^2)^2 vanishes for x > 0, where step adds the 1.
    grad: (x, { alpha: a }) => {
      const m = tf.minimum(x, 0);
      return tf.add(tf.div(tf.mul(m, 2 * a), tf.square(tf.add(tf.square(m), 1))), tf.step(x));
    },
    unitSlopeForPositive: true,
  },
  {
    name: 'leakyRelu',
    description: 'Leaky ReLU: x for x > 0, else alpha * x',
    params: alpha(0.01, 'slope for x <= 0'),
    fn: (x, { alpha: a }) => tf.leakyRelu(x, a),
    grad: (x, { alpha: a }) => tf.step(x, a),
    unitSlopeForPositive: true,
  },
  {
    name: 'elu',
    description: 'ELU: x for x > 0, else alpha * (exp(x) - 1)',
    params: alpha(1.0, 'saturation value for x -> -inf'),
    fn: (x, { alpha: a }) => tf.add(tf.relu(x), tf.mul(tf.expm1(tf.minimum(x, 0)), a)),
    // exp(min(x, 0)) is 1 for x > 0, where step(x, a) is 1; for x <= 0 it is a * exp(x).
    grad: (x, { alpha: a }) => tf.mul(tf.exp(tf.minimum(x, 0)), tf.step(x, a)),
    unitSlopeForPositive: true,
  },
  {
    name: 'selu',
    description: 'SELU: scale * elu(x, 1.6733), scale = 1.0507',
    fn: (x) => tf.selu(x),
    grad: (x) => tf.mul(tf.exp(tf.add(tf.minimum(x, 0), Math.log(SELU_SCALE))), tf.step(x, SELU_ALPHA)),
  },
  {
    name: 'gelu',
    description: 'GELU, exact: x * Phi(x)',
    fn: (x) => tf.mul(x, tf.add(tf.mul(tf.erf(tf.mul(x, SQRT1_2)), 0.5), 0.5)),
    // Phi(x) + x phi(x) with z = x / sqrt 2: 0.5 + 0.5 erf(z) + z exp(-z^2) / sqrt(pi).
    grad: (x) => {
      const z = tf.mul(x, SQRT1_2);
      const bump = tf.mul(z, tf.exp(tf.mul(tf.square(z), -1)));
      return tf.add(tf.mul(tf.add(tf.erf(z), 1), 0.5), tf.mul(bump, INV_SQRT_PI));
    },
  },
  {
    name: 'geluTanh',
    description: 'GELU, tanh approximation: 0.5 x (1 + tanh(c (x + 0.044715 x^3)))',
    fn: (x) => {
      const w = tf.mul(x, tf.add(tf.mul(tf.square(x), 2 * GELU_C * GELU_K), 2 * GELU_C));
      return tf.mul(x, tf.sigmoid(w));
    },
    // 0.5 (1 + tanh(w/2)) = sigmoid(w) with w = 2c (x + k x^3), so f' = s (1 + w' x (1 - s)).
    grad: (x) => {
      const x2 = tf.square(x);
      const w = tf.mul(x, tf.add(tf.mul(x2, 2 * GELU_C * GELU_K), 2 * GELU_C));
      const dw = tf.add(tf.mul(x2, 6 * GELU_C * GELU_K), 2 * GELU_C);
      return sigmoidProductGrad(w, tf.mul(x, dw));
    },
  },
  {
    name: 'silu',
    description: 'SiLU / swish: x * sigmoid(x)',
    fn: (x) => tf.mul(x, tf.sigmoid(x)),
    grad: (x) => sigmoidProductGrad(x, x),
  },
  {
    name: 'mish',
    description: 'Mish: x * tanh(softplus(x))',
    fn: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
    grad: (x) => {
      const t = tf.tanh(tf.softplus(x));
      return tf.add(t, tf.mul(tf.mul(x, tf.sigmoid(x)), tf.sub(1, tf.square(t))));
    },
  },
];

for (const def of BUILTIN_SURROGATES) registerSurrogate(def);

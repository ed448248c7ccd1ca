// A sugar-lab plugin: registers the `fastSigmoid` surrogate when loaded.
//
// SUGAR keeps ReLU in the forward pass and replaces its derivative, the Heaviside step H(x), with the
// derivative of a smooth surrogate. Spiking networks face the same step (the spike) and train through the
// "fast sigmoid" in its place (SuperSpike, Zenke & Ganguli 2018; Neftci et al. 2019): an algebraic sigmoid,
// no exp, with a heavy 1/|x| tail. Used as ReLU's step:
//
//   f'(x) = 1/2 * (1 + beta x / (1 + beta |x|))          (0 at -inf, 1/2 at 0, 1 at +inf)
//   f(x)  = relu(x) - ln(1 + beta |x|) / (2 beta)        (its primitive, f(0) = 0; f -> relu as beta -> inf)
//
// For x < 0, f'(x) = 1 / (2 (1 + beta |x|)): a unit that never fires still gets a gradient that falls off
// only as 1/|x|, slower than B-SiLU's exponential tail.
//
// A plugin imports @sugar-lab/* (the sugar CLI makes these resolve to its own packages, so the surrogate lands
// in the registry the CLI reads) and registers at load. Name it in a spec (`plugins: [./fast-sigmoid.js]`) or
// with `sugar run --require`.
const { registerSurrogate, tf } = require('@sugar-lab/core');

registerSurrogate({
  name: 'fastSigmoid',
  description: 'fast sigmoid as the step: relu(x) - ln(1 + beta |x|) / (2 beta); derivative (1 + beta x / (1 + beta |x|)) / 2',
  params: { beta: { default: 1, positive: true, description: 'steepness; larger beta is closer to ReLU (and its step)' } },
  fn: (x, { beta }) => tf.sub(tf.relu(x), tf.div(tf.log1p(tf.mul(tf.abs(x), beta)), 2 * beta)),
  grad: (x, { beta }) => tf.mul(tf.add(tf.div(tf.mul(x, beta), tf.add(tf.mul(tf.abs(x), beta), 1)), 1), 0.5),
});

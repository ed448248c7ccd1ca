// Each activation's function and the derivative its backward pass uses, sampled with core's own ops: SUGAR's is the
// surrogate's derivative (where its region applies) through sugarRelu's gradient, a forward activation's its own;
// plots' surrogateFigure draws them beside ReLU's.
import { parseActivation, resolveActivation, sugarRelu, surrogateActivation, tf } from '@sugar-lab/core';
import type { SurrogateCurve } from '@sugar-lab/plots';

/**
 * The curve of one canonical activation string on [-4, 4]; undefined for ReLU (the figure draws it as reference).
 *
 * @param label a canonical activation string
 * @param points samples
 */
export function activationCurve(label: string, points = 161): SurrogateCurve | undefined {
  const r = resolveActivation(parseActivation(label));
  if (r.kind === 'relu') return undefined;
  const s = r.surrogate;
  const op = (t: tf.Tensor) => (r.kind === 'sugar' ? sugarRelu(t, s, { region: r.region }) : surrogateActivation(t, s));
  const x = Array.from({ length: points }, (_, i) => -4 + (8 * i) / (points - 1));
  const [value, grad] = tf.tidy(() => {
    const xt = tf.tensor1d(x);
    return [
      Array.from(s.fn(xt).dataSync()),
      Array.from(
        tf
          .grad((t: tf.Tensor) => tf.sum(op(t)))(xt)
          .dataSync(),
      ),
    ];
  });
  return { name: label, x, value, grad };
}

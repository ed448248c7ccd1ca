// The decision boundary of a 2-D classifier: the class the model predicts at each point of a grid over the data's
// range (with a margin), what the page draws as a heatmap under the training points.
import { tf } from '@sugar-lab/core';
import type { Split } from '@sugar-lab/datasets';

export interface DecisionGrid {
  /** Grid coordinates along each input axis. */
  xs: number[];
  ys: number[];
  /** The predicted class at (xs[i], ys[j]) is z[j][i] (plotly's heatmap layout). */
  z: number[][];
}

/** The range of a split's 2-D inputs, widened by 10% on each side. */
export function gridRange(split: Split): { x: [number, number]; y: [number, number] } {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < split.length; i++) {
    const [x, y] = [split.x[2 * i] * split.scale, split.x[2 * i + 1] * split.scale];
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  const [mx, my] = [0.1 * (x1 - x0 || 1), 0.1 * (y1 - y0 || 1)];
  return { x: [x0 - mx, x1 + mx], y: [y0 - my, y1 + my] };
}

const linspace = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/**
 * The model's predicted class over an n x n grid of the input plane.
 *
 * @param model a classifier of 2-D inputs (logits out)
 * @param range the plane's extent (gridRange)
 * @param n points per axis
 */
export function decisionGrid(model: tf.LayersModel, range: { x: [number, number]; y: [number, number] }, n = 48): DecisionGrid {
  const xs = linspace(range.x[0], range.x[1], n);
  const ys = linspace(range.y[0], range.y[1], n);
  const points = new Float32Array(2 * n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      points[2 * (j * n + i)] = xs[i];
      points[2 * (j * n + i) + 1] = ys[j];
    }
  const cls = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(points, [n * n, 2])) as tf.Tensor, -1).dataSync());
  return { xs, ys, z: Array.from({ length: n }, (_, j) => Array.from(cls.subarray(j * n, (j + 1) * n))) };
}

import { Rng } from './rng';

export interface TeacherOptions {
  /** Input dimension. */
  dim: number;
  /** Number of hidden ReLU layers. */
  depth: number;
  width: number;
  classes: number;
}

export interface TeacherLayer {
  inDim: number;
  outDim: number;
  /** Row-major [inDim, outDim] weights (x @ w, as tf.matMul). */
  w: Float64Array;
  b: Float64Array;
}

export interface Teacher {
  layers: TeacherLayer[];
  /**
   * Output logits for one input (plain float64 JS, so identical on every machine).
   *
   * @param x the input, or a flat buffer of many inputs holding it
   * @param offset the index in `x` where this input's `dim` values start (default 0)
   */
  logits(x: ArrayLike<number>, offset?: number): Float64Array;
  /**
   * argmax of the logits (lowest index on ties).
   *
   * @param x the input, or a flat buffer of many inputs holding it
   * @param offset the index in `x` where this input's `dim` values start (default 0)
   */
  label(x: ArrayLike<number>, offset?: number): number;
}

/**
 * A random ReLU network (He-normal weights, biases N(0, 0.1^2)) drawn from `seed`: the labelling
 * function of the `teacher` dataset. Exported so analyses can compare a student with its teacher.
 *
 * @param opts input dimension, depth, width and number of classes
 * @param seed the seed the weights are drawn from
 */
export function createTeacher(opts: TeacherOptions, seed: number): Teacher {
  const rng = new Rng(seed, 'teacher', 'weights');
  const sizes = [opts.dim, ...Array<number>(opts.depth).fill(opts.width), opts.classes];
  const layers: TeacherLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inDim = sizes[l];
    const outDim = sizes[l + 1];
    const w = new Float64Array(inDim * outDim);
    const std = Math.sqrt(2 / inDim);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, std);
    const b = new Float64Array(outDim);
    for (let i = 0; i < outDim; i++) b[i] = rng.normal(0, 0.1);
    layers.push({ inDim, outDim, w, b });
  }
  const logits = (x: ArrayLike<number>, offset = 0) => {
    let h: Float64Array = Float64Array.from({ length: opts.dim }, (_, i) => x[offset + i]);
    layers.forEach((layer, l) => {
      const out = Float64Array.from(layer.b);
      for (let i = 0; i < layer.inDim; i++) {
        const hi = h[i];
        if (hi === 0) continue;
        const row = i * layer.outDim;
        for (let j = 0; j < layer.outDim; j++) out[j] += hi * layer.w[row + j];
      }
      if (l < layers.length - 1) for (let j = 0; j < out.length; j++) out[j] = out[j] > 0 ? out[j] : 0;
      h = out;
    });
    return h;
  };
  const label = (x: ArrayLike<number>, offset = 0) => {
    const z = logits(x, offset);
    let best = 0;
    for (let j = 1; j < z.length; j++) if (z[j] > z[best]) best = j;
    return best;
  };
  return { layers, logits, label };
}

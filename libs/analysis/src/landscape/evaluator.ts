import { tf } from '@sugar-lab/core';
import { LandscapeError } from './errors';
import { ActivationFreeze } from './freeze';
import type { ParamVector } from './param-vector';
import { withReluGradients } from './relu-gradients';
import { modelVariables } from './weights';

/** A fixed evaluation subset: inputs and labels (class indices [n] or one-hot [n, classes], or targets for a custom loss). */
export interface LandscapeData {
  x: tf.Tensor;
  y: tf.Tensor;
}

/**
 * The mean loss of a batch: model output and that batch's labels in, a scalar out.
 *
 * @param output the model's output for the batch (logits for classification), batch on the first axis
 * @param y the batch's labels or targets, as given in `LandscapeData.y` (class indices are one-hot encoded first
 *   when accuracy is measured)
 */
export type LandscapeLossFn = (output: tf.Tensor, y: tf.Tensor) => tf.Scalar;

export interface LandscapeEvaluatorOptions {
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** Default: mean softmax cross-entropy of the logits against one-hot labels. */
  loss?: LandscapeLossFn;
  /** Measure arg-max accuracy as well (default: true with the default loss, false with a custom one). */
  accuracy?: boolean;
  /**
   * Which derivative gradients (and so Hessian-vector products) use: 'relu' (default) differentiates
   * SugarReLU layers as the ReLU they compute, giving the true gradient of the loss, and Hessian
   * estimates freeze ReLU-like activations in their current linear pieces (the Hessian PyTorch's double
   * backward gives); 'surrogate' uses the surrogate derivative that SUGAR trains with, unfrozen.
   */
  gradients?: 'relu' | 'surrogate';
}

/** Anything with variables and the gradient of a scalar objective at their current values. */
export interface GradientOracle {
  readonly variables: tf.Variable[];
  /** d objective / d variable for each variable, at the variables' current values (new tensors). */
  gradient(): ParamVector;
  /**
   * Optional: makes the objective smooth around the current values without changing its value,
   * gradient or Hessian there, until the returned function is called. Hessian estimates call it once
   * per centre point before taking gradient differences.
   */
  freeze?(): () => void;
}

export interface LossAccuracy {
  loss: number;
  /** NaN when the evaluator does not measure accuracy. */
  accuracy: number;
}

function softmaxCrossEntropy(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/**
 * The loss of one model on a fixed evaluation subset, at whatever values its variables hold now.
 * Landscape functions move the model's own variables (`variable.assign`) and ask this for the loss
 * or the gradient; nothing is rebuilt per point. Inference mode throughout (dropout off, batch norm
 * with its moving statistics). Owns copies of the data; `dispose()` frees them.
 */
export class LandscapeEvaluator implements GradientOracle {
  /** Trainable variables: what directions, sharpness and the Hessian move. */
  readonly variables: tf.Variable[];
  /** Every weight in `model.weights` order (batch-norm statistics included): what interpolation can move. */
  readonly allVariables: tf.Variable[];
  readonly size: number;
  readonly measuresAccuracy: boolean;
  private readonly batches: { x: tf.Tensor; y: tf.Tensor; weight: number }[] = [];
  private readonly lossFn: LandscapeLossFn;
  private readonly gradientMode: 'relu' | 'surrogate';
  private frozen: ActivationFreeze | undefined;

  /**
   * Copies the data into batches on the device (class-index labels one-hot encoded); the caller keeps its tensors.
   *
   * @param model the model whose loss is measured; its own variables are what landscape functions move
   * @param data the evaluation subset: inputs `x` and labels `y`, as many of each along the first axis
   * @param opts samples per forward pass (default 256), the loss (default softmax cross-entropy), whether to
   *   measure accuracy, and which derivative gradients use ('relu' by default)
   */
  constructor(
    readonly model: tf.LayersModel,
    data: LandscapeData,
    opts: LandscapeEvaluatorOptions = {},
  ) {
    const { x, y } = data ?? ({} as LandscapeData);
    if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) throw new LandscapeError('LandscapeEvaluator: expected data { x, y } as tensors');
    const n = x.shape[0];
    if (!n || y.shape[0] !== n)
      throw new LandscapeError(
        `LandscapeEvaluator: expected as many labels as samples (at least one); found x [${x.shape.join(',')}] and y [${y.shape.join(',')}]`,
      );
    const batchSize = opts.batchSize ?? 256;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new LandscapeError(`LandscapeEvaluator: batchSize expected an integer >= 1; found ${batchSize}`);
    this.lossFn = opts.loss ?? softmaxCrossEntropy;
    this.measuresAccuracy = opts.accuracy ?? !opts.loss;
    this.gradientMode = opts.gradients ?? 'relu';
    if (this.gradientMode !== 'relu' && this.gradientMode !== 'surrogate') {
      throw new LandscapeError(`LandscapeEvaluator: gradients expected 'relu' or 'surrogate'; found ${JSON.stringify(opts.gradients)}`);
    }
    this.variables = modelVariables(model, 'trainable');
    this.allVariables = modelVariables(model, 'all');
    this.size = n;
    const outShape = model.outputs[0]?.shape ?? [];
    const classes = outShape[outShape.length - 1];
    const needsOneHot = y.rank === 1 && (!opts.loss || this.measuresAccuracy);
    if (needsOneHot && !classes)
      throw new LandscapeError(`LandscapeEvaluator: labels are class indices but the model's output width is unknown ([${outShape.join(',')}])`);
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      this.batches.push(
        tf.tidy(() => {
          const xs = tf.slice(x, start, b);
          const ys = tf.slice(y, start, b);
          return { x: xs, y: needsOneHot ? tf.cast(tf.oneHot(tf.cast(ys, 'int32'), classes as number), 'float32') : ys, weight: b / n };
        }),
      );
    }
  }

  /** [mean loss, accuracy] at the current weights as an unread tensor (accuracy NaN when not measured). */
  measureTensor(): tf.Tensor1D {
    return tf.tidy(() => {
      const parts = this.batches.map((b, k) => {
        this.frozen?.select(k);
        const out = this.model.apply(b.x, { training: false }) as tf.Tensor;
        const loss = tf.mul(this.lossFn(out, b.y), b.weight);
        const acc = this.measuresAccuracy ? tf.mul(tf.mean(tf.cast(tf.equal(tf.argMax(out, -1), tf.argMax(b.y, -1)), 'float32')), b.weight) : tf.scalar(NaN);
        return tf.stack([loss, acc]);
      });
      return tf.addN(parts) as tf.Tensor1D;
    });
  }

  /** Mean loss and accuracy over the subset at the current weights, read synchronously. */
  measure(): LossAccuracy {
    const t = this.measureTensor();
    const [loss, accuracy] = t.dataSync();
    t.dispose();
    return { loss, accuracy };
  }

  /**
   * Reads several `measureTensor()` results with one sync and disposes them.
   *
   * @param measurements results of `measureTensor()`, in the order the answers are wanted; all are disposed
   */
  static read(measurements: tf.Tensor1D[]): LossAccuracy[] {
    if (measurements.length === 0) return [];
    const stacked = tf.stack(measurements);
    const v = stacked.dataSync();
    tf.dispose([stacked, ...measurements]);
    return measurements.map((_, i) => ({ loss: v[2 * i], accuracy: v[2 * i + 1] }));
  }

  gradient(): ParamVector {
    const run = (): ParamVector => {
      let sum: ParamVector | undefined;
      for (const [k, b] of this.batches.entries()) {
        this.frozen?.select(k);
        const { value, grads } = tf.variableGrads(
          () => tf.mul<tf.Scalar>(this.lossFn(this.model.apply(b.x, { training: false }) as tf.Tensor, b.y), b.weight),
          this.variables,
        );
        value.dispose();
        const g = this.variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
        if (!sum) sum = g;
        else {
          const prev: ParamVector = sum;
          sum = tf.tidy(() => prev.map((s, i) => tf.add(s, g[i])));
          tf.dispose([...prev, ...g]);
        }
      }
      return sum as ParamVector;
    };
    return this.gradientMode === 'relu' ? withReluGradients(this.model, run) : run();
  }

  /**
   * With 'relu' gradients: fixes every ReLU-like activation (ReLU, SugarReLU, LeakyReLU,
   * Activation('relu'/'relu6')) in the linear piece each evaluation sample puts it in at the current
   * weights, until the returned function is called. With 'surrogate' gradients: nothing to do.
   */
  freeze(): () => void {
    if (this.gradientMode !== 'relu') return () => undefined;
    if (this.frozen) throw new LandscapeError('LandscapeEvaluator.freeze: the activations are frozen already; call the function the first freeze() returned');
    const f = new ActivationFreeze(this.model, (select) =>
      this.batches.forEach((b, k) => {
        select(k);
        tf.tidy(() => {
          this.model.apply(b.x, { training: false });
        });
      }),
    );
    this.frozen = f;
    return () => {
      if (this.frozen !== f) return;
      f.release();
      this.frozen = undefined;
    };
  }

  /** Frees the copied batches and releases any activation freeze; the model itself is left alone. */
  dispose(): void {
    this.frozen?.release();
    this.frozen = undefined;
    for (const b of this.batches) tf.dispose([b.x, b.y]);
    this.batches.length = 0;
  }
}

import { hasKernel, SUGAR_ADAM_STEP, SUGAR_SGD_STEP, tf } from '@sugar-lab/core';
import type { ResolvedOptimizerConfig } from './config';
import { CheckpointError } from './errors';

/** A variable the optimizer updates, and whether weight decay applies to it. */
export interface ParamSpec {
  variable: tf.Variable;
  decay: boolean;
}

/** A model's trainable weights as the optimizer's parameters: decay on every weight, or (decayOn 'kernels') on kernels only. */
export function modelParams(model: tf.LayersModel, config: ResolvedOptimizerConfig): ParamSpec[] {
  return model.trainableWeights.map((w) => ({
    variable: w.read() as tf.Variable,
    decay: config.decayOn === 'all' || /kernel/.test(w.originalName),
  }));
}

/** One named state tensor (moment buffers), as saved in a checkpoint. */
export interface SlotTensor {
  name: string;
  tensor: tf.Tensor;
}

/**
 * SGD (momentum, Nesterov, L2 weight decay), Adam (L2 weight decay) and AdamW (decoupled weight
 * decay), with PyTorch's update rules. The learning rate is an argument of every step, so any
 * schedule drives it; the state is the step count plus the moment buffers.
 */
export class Optimizer {
  /** Steps taken (Adam's bias correction uses it). */
  step = 0;
  private readonly slots = new Map<string, tf.Variable>();
  /** The config's scalars (betas, eps, momentum, weight decay), made once: every tensor made from a number is an upload. */
  private readonly constants: Record<string, tf.Scalar>;

  /**
   * Makes the optimizer; no state exists until the first step (or `setState`).
   *
   * @param config the resolved optimizer config (`resolveTrainConfig`'s `optimizer`): SGD or Adam(W) and its scalars
   * @param params the variables to update, each with whether weight decay applies to it (`modelParams`)
   */
  constructor(
    readonly config: ResolvedOptimizerConfig,
    readonly params: ParamSpec[],
  ) {
    const c = config;
    const values: Record<string, number> =
      c.name === 'sgd'
        ? { wd: c.weightDecay, mu: c.momentum, nesterov: c.nesterov ? 1 : 0, zero: 0 }
        : { wd: c.weightDecay, b1: c.beta1, nb1: 1 - c.beta1, b2: c.beta2, nb2: 1 - c.beta2, eps: c.eps, zero: 0, one: 1 };
    this.constants = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.keep(tf.scalar(v))]));
  }

  /**
   * Applies one update; `grads` is keyed by variable name (as tf.variableGrads returns).
   *
   * @param grads this step's gradients keyed by variable name; a parameter without one is left as it is. Not disposed
   * @param lr the learning rate of this step, after schedule and warmup
   */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.step++;
    tf.tidy(() => (this.config.name === 'sgd' ? this.sgd(grads, lr) : this.adam(grads, lr)));
  }

  private sgd(grads: tf.NamedTensorMap, lr: number): void {
    const c = this.config;
    const { wd, mu } = this.constants;
    const rate = tf.scalar(lr);
    const native = hasKernel(SUGAR_SGD_STEP);
    this.params.forEach(({ variable: w, decay }, i) => {
      let g = grads[w.name];
      if (!g) return;
      if (native) return this.sgdNative(w, g, decay, i, rate);
      if (decay && c.weightDecay > 0) g = tf.add(g, tf.mul(w, wd));
      if (c.momentum > 0) {
        const buf = this.slot(i, 'momentum', w);
        const next = tf.add(tf.mul(buf, mu), g); // buf starts at 0, so the first step sets buf = g as PyTorch does
        buf.assign(next);
        g = c.nesterov ? tf.add(g, tf.mul(next, mu)) : next;
      }
      w.assign(tf.sub(w, tf.mul(g, rate)));
    });
  }

  private adam(grads: tf.NamedTensorMap, lr: number): void {
    const c = this.config;
    const bc1 = 1 - Math.pow(c.beta1, this.step);
    const bc2 = 1 - Math.pow(c.beta2, this.step);
    const { wd, b1, nb1, b2, nb2, eps } = this.constants;
    // Scalars of the step (the rate and Adam's bias corrections): once per step, not per variable.
    const [shrink, sqrtBc2, stepSize] = [1 - lr * c.weightDecay, Math.sqrt(bc2), lr / bc1].map((x) => tf.scalar(x));
    const native = hasKernel(SUGAR_ADAM_STEP);
    this.params.forEach(({ variable: w, decay }, i) => {
      let g = grads[w.name];
      if (!g) return;
      if (native) return this.adamNative(w, g, decay, i, [shrink, sqrtBc2, stepSize]);
      let base: tf.Tensor = w;
      if (decay && c.weightDecay > 0) {
        if (c.name === 'adamw') base = tf.mul(w, shrink);
        else g = tf.add(g, tf.mul(w, wd));
      }
      const m = this.slot(i, 'm', w);
      const v = this.slot(i, 'v', w);
      const m1 = tf.add(tf.mul(m, b1), tf.mul(g, nb1));
      const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), nb2));
      m.assign(m1);
      v.assign(v1);
      // PyTorch's arrangement: w -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
      const denom = tf.add(tf.div(tf.sqrt(v1), sqrtBc2), eps);
      w.assign(tf.sub(base, tf.mul(tf.div(m1, denom), stepSize)));
    });
  }

  // The same step as one native op per weight (sugar-lab's kernels on tensorflow): the same float32 operations
  // in the same order, so the same bits (optimizers.test.ts compares them).
  private sgdNative(w: tf.Variable, g: tf.Tensor, decay: boolean, i: number, rate: tf.Scalar): void {
    const c = this.config;
    const k = this.constants;
    const buf = c.momentum > 0 ? this.slot(i, 'momentum', w) : w;
    const wd = decay && c.weightDecay > 0 ? k.wd : k.zero;
    const mu = c.momentum > 0 ? k.mu : k.zero;
    const [w1, buf1] = tf.engine().runKernel<tf.Tensor[]>(SUGAR_SGD_STEP, { w, g, buf, wd, mu, rate, nesterov: k.nesterov });
    if (buf !== w) buf.assign(buf1);
    w.assign(w1);
  }

  private adamNative(w: tf.Variable, g: tf.Tensor, decay: boolean, i: number, [shrink, sqrtBc2, stepSize]: tf.Scalar[]): void {
    const c = this.config;
    const k = this.constants;
    const decays = decay && c.weightDecay > 0;
    const m = this.slot(i, 'm', w);
    const v = this.slot(i, 'v', w);
    const inputs = {
      ...{ w, g, m, v, b1: k.b1, nb1: k.nb1, b2: k.b2, nb2: k.nb2, eps: k.eps },
      ...{ wd: decays && c.name === 'adam' ? k.wd : k.zero, shrink: decays && c.name === 'adamw' ? shrink : k.one, sqrtBc2, stepSize },
    };
    const [w1, m1, v1] = tf.engine().runKernel<tf.Tensor[]>(SUGAR_ADAM_STEP, inputs);
    m.assign(m1);
    v.assign(v1);
    w.assign(w1);
  }

  private slot(i: number, kind: string, like: tf.Variable): tf.Variable {
    const key = `${kind}/${i}`;
    let s = this.slots.get(key);
    if (!s) {
      s = tf.variable(tf.zerosLike(like), false);
      this.slots.set(key, s);
    }
    return s;
  }

  /** The state tensors, in a stable order, named `<kind>/<param index>`. Views: do not dispose. */
  getSlots(): SlotTensor[] {
    return [...this.slots.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([name, tensor]) => ({ name, tensor }));
  }

  /**
   * Restores the step count and slots saved by getSlots; the caller may dispose `slots` afterwards.
   *
   * @param step the optimizer steps taken when the state was saved (Adam's bias correction uses it)
   * @param slots the saved state tensors, named `<kind>/<param index>`, each shaped as its parameter
   */
  setState(step: number, slots: SlotTensor[]): void {
    this.disposeSlots();
    this.step = step;
    for (const { name, tensor } of slots) {
      const m = /^(\w+)\/(\d+)$/.exec(name);
      const i = m ? Number(m[2]) : -1;
      const param = this.params[i];
      if (!m || !param) throw new CheckpointError(`optimizer state: expected slots named <kind>/<index < ${this.params.length}>; found '${name}'`);
      if (!tf.util.arraysEqual(param.variable.shape, tensor.shape)) {
        throw new CheckpointError(`optimizer state: slot '${name}' expected shape [${param.variable.shape.join(',')}]; found [${tensor.shape.join(',')}]`);
      }
      // A variable shares its initial value's data (reference-counted), so no clone is needed; the
      // clone this made before was never disposed: two leaked tensors per weight on every resume.
      this.slots.set(name, tf.variable(tensor, false));
    }
  }

  private disposeSlots(): void {
    for (const s of this.slots.values()) s.dispose();
    this.slots.clear();
  }

  /** Frees the state tensors and the config's scalars; the optimizer cannot step afterwards. */
  dispose(): void {
    this.disposeSlots();
    tf.dispose(Object.values(this.constants));
  }
}

function compareKeys(a: string, b: string): number {
  const [ka, ia] = a.split('/');
  const [kb, ib] = b.split('/');
  return ka === kb ? Number(ia) - Number(ib) : ka < kb ? -1 : 1;
}

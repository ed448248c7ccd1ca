import { tf } from '@sugar-lab/core';
import type { ResolvedOptimizerConfig } from './config';
import type { Optimizer, SlotTensor } from './optimizers';
import { flatten, memberTensors } from './packed-mlp';
import { PackError } from './packed-plan';

/** Columns of nativeHyper's rows (mlp_step.cc's kHyperCols). */
export const NATIVE_HYPER_COLUMNS = 13;

const slotKinds = (c: ResolvedOptimizerConfig) => (c.name === 'sgd' ? (c.momentum > 0 ? ['momentum'] : []) : ['m', 'v']);

/** One value per member as a [K, 1] tensor, so it broadcasts over the flat [K, P] weights. */
const perMember = (values: number[]) => tf.tensor2d(values, [values.length, 1]);

/**
 * The update rules of `Optimizer` (SGD with momentum / Nesterov / L2, Adam, AdamW, as PyTorch has them) on
 * the flat [K, P] weights of a pack: every scalar (lr, momentum, betas, eps, weight decay) is a [K, 1] tensor,
 * so one op updates every weight of every member. The arithmetic is Optimizer's, element for element, so a
 * member's numbers are those of its own run. State is loaded from and written back to the members'
 * Optimizers, which stay what checkpoints save (slots `<kind>/<weight index>`, as Optimizer names them).
 */
export class PackedOptimizer {
  private readonly slots = new Map<string, tf.Variable>();
  /** Steps taken per member (Adam's bias correction). */
  readonly steps: number[];
  private readonly constants: Record<string, tf.Tensor>;
  private readonly kinds: string[];
  private readonly decayAll: boolean;
  private readonly decayNone: boolean;

  constructor(
    private readonly configs: ResolvedOptimizerConfig[],
    /** Whether weight decay applies, per weight (the same for every member). */
    decay: boolean[],
    /** Each weight's shape in a member model, in the order of the flat variable's columns. */
    private readonly shapes: number[][],
    private readonly flat: tf.Variable,
    members: Optimizer[],
  ) {
    const c = configs[0];
    this.kinds = slotKinds(c);
    this.steps = members.map((m) => m.step);
    const col = (f: (c: ResolvedOptimizerConfig) => number) => perMember(configs.map(f));
    this.decayNone = !(c.weightDecay > 0) || decay.every((d) => !d);
    this.decayAll = !this.decayNone && decay.every(Boolean);
    this.constants =
      c.name === 'sgd'
        ? { mu: col((c) => c.momentum) }
        : { b1: col((c) => c.beta1), nb1: col((c) => 1 - c.beta1), b2: col((c) => c.beta2), nb2: col((c) => 1 - c.beta2), eps: col((c) => c.eps) };
    if (!this.decayNone) {
      const wd = col((c) => c.weightDecay);
      // Decay on some weights only (decayOn: kernels): a mask over the columns. w * 0 adds an exact 0 elsewhere.
      if (this.decayAll) this.constants.wd = wd;
      else {
        const mask = tf.tensor2d(
          shapes.flatMap((s, i) => new Array<number>(s.reduce((a, b) => a * b, 1)).fill(decay[i] ? 1 : 0)),
          [1, flat.shape[1] as number],
        );
        this.constants.mask = tf.cast(mask, 'bool');
        this.constants.wd = tf.mul(wd, mask);
        tf.dispose([wd, mask]);
      }
    }
    this.loadSlots(members);
  }

  // A member without state yet (no step taken) contributes zeros: its Optimizer would start its buffers at 0.
  private loadSlots(members: Optimizer[]): void {
    for (const kind of this.kinds) {
      // The zeros are made inside the tidy and freed by it; the Optimizers' own slots are only read.
      const stacked = tf.tidy(() =>
        flatten(
          members.map((opt, k) => {
            const saved = new Map(opt.getSlots().map((s) => [s.name, s.tensor]));
            return this.shapes.map((shape, i) => {
              const t = saved.get(`${kind}/${i}`);
              if (t && t.shape.join('x') !== shape.join('x'))
                throw new PackError(
                  `pack member ${k + 1}: optimizer slot '${kind}/${i}' has shape [${t.shape.join(',')}]; its weight has [${shape.join(',')}]`,
                );
              return t ?? tf.zeros(shape);
            });
          }),
        ),
      );
      this.slots.set(kind, tf.variable(stacked, false));
      stacked.dispose();
    }
  }

  /** One update of every member; `grad` is the flat [K, P] gradient, `lrs[k]` member k's rate. */
  apply(grad: tf.Tensor, lrs: number[]): void {
    for (let k = 0; k < this.steps.length; k++) this.steps[k]++;
    tf.tidy(() => (this.configs[0].name === 'sgd' ? this.sgd(grad, lrs) : this.adam(grad, lrs)));
  }

  private sgd(grad: tf.Tensor, lrs: number[]): void {
    const c = this.configs[0];
    const { mu, wd } = this.constants;
    const w = this.flat;
    let g = grad;
    if (!this.decayNone) g = tf.add(g, tf.mul(w, wd));
    if (c.momentum > 0) {
      const buf = this.slots.get('momentum')!;
      const next = tf.add(tf.mul(buf, mu), g);
      buf.assign(next);
      g = c.nesterov ? tf.add(g, tf.mul(next, mu)) : next;
    }
    w.assign(tf.sub(w, tf.mul(g, perMember(lrs))));
  }

  private adam(grad: tf.Tensor, lrs: number[]): void {
    const c = this.configs[0];
    const { wd, mask, b1, nb1, b2, nb2, eps } = this.constants;
    const bc1 = this.configs.map((m, k) => 1 - Math.pow(m.beta1, this.steps[k]));
    const bc2 = this.configs.map((m, k) => 1 - Math.pow(m.beta2, this.steps[k]));
    const w = this.flat;
    let g = grad;
    let base: tf.Tensor = w;
    if (!this.decayNone) {
      if (c.name === 'adamw') {
        const shrunk = tf.mul(w, perMember(this.configs.map((m, k) => 1 - lrs[k] * m.weightDecay)));
        base = this.decayAll ? shrunk : tf.where(mask, shrunk, w);
      } else g = tf.add(g, tf.mul(w, wd));
    }
    const m = this.slots.get('m')!;
    const v = this.slots.get('v')!;
    const m1 = tf.add(tf.mul(m, b1), tf.mul(g, nb1));
    const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), nb2));
    m.assign(m1);
    v.assign(v1);
    // PyTorch's arrangement, as Optimizer has it: w -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
    const denom = tf.add(tf.div(tf.sqrt(v1), perMember(bc2.map(Math.sqrt))), eps);
    w.assign(tf.sub(base, tf.mul(tf.div(m1, denom), perMember(lrs.map((lr, k) => lr / bc1[k])))));
  }

  /**
   * The fused step's per-member scalars for the next step (mlp_step.cc's Hyper columns), the same float32 values
   * the ops above use: [kind, rate, wd, momentum, nesterov, b1, 1-b1, b2, 1-b2, eps, AdamW's shrink, sqrt(bc2),
   * whether to compute the member's gradient norms (`norms[k]`)].
   */
  nativeHyper(lrs: number[], norms: boolean[]): Float32Array {
    const out = new Float32Array(this.configs.length * NATIVE_HYPER_COLUMNS);
    this.configs.forEach((c, k) => {
      const t = this.steps[k] + 1;
      const lr = lrs[k];
      const row =
        c.name === 'sgd'
          ? [0, lr, c.weightDecay, c.momentum, c.nesterov ? 1 : 0, 0, 0, 0, 0, 0, 1, 1]
          : [
              c.name === 'adamw' ? 2 : 1,
              lr / (1 - Math.pow(c.beta1, t)),
              c.weightDecay,
              0,
              0,
              c.beta1,
              1 - c.beta1,
              c.beta2,
              1 - c.beta2,
              c.eps,
              1 - lr * c.weightDecay,
              Math.sqrt(1 - Math.pow(c.beta2, t)),
            ];
      out.set([...row, norms[k] ? 1 : 0], k * NATIVE_HYPER_COLUMNS);
    });
    return out;
  }

  /** Per weight (in the flat columns' order), the fused step's decay mode: 0 none in this config, 1 decayed, 2 not. */
  nativeDecay(decay: boolean[]): number[] {
    return decay.map((d) => (this.decayNone ? 0 : d ? 1 : 2));
  }

  /** Every state variable ([K, P] each): what a finiteness check reads. */
  stateVariables(): tf.Variable[] {
    return [...this.slots.values()];
  }

  /** The state the fused step reads: Adam's [m, v], SGD's [momentum buffer], or none. */
  nativeSlots(): tf.Variable[] {
    return this.kinds.map((k) => this.slots.get(k)!);
  }

  /** Takes the fused step's results as this step's update (counting the step), and frees them. */
  commitNative(w: tf.Tensor, state: tf.Tensor[]): void {
    for (let k = 0; k < this.steps.length; k++) this.steps[k]++;
    this.flat.assign(w);
    this.nativeSlots().forEach((s, i) => s.assign(state[i]));
    tf.dispose([w, ...state]);
  }

  /** Writes each member's step count and its rows of the state into its Optimizer (what its checkpoint saves). */
  writeBack(members: Optimizer[]): void {
    const split = [...this.slots].map(([kind, s]) => ({ kind, parts: memberTensors(s, this.shapes) }));
    try {
      members.forEach((opt, k) => {
        // An Optimizer that has taken no step has no slots yet; keep it that way so checkpoints match.
        const slots: SlotTensor[] =
          this.steps[k] === 0 ? [] : split.flatMap(({ kind, parts }) => parts[k].map((tensor, i) => ({ name: `${kind}/${i}`, tensor })));
        opt.setState(this.steps[k], slots);
      });
    } finally {
      tf.dispose(split.flatMap((s) => s.parts.flat()));
    }
  }

  dispose(): void {
    for (const s of this.slots.values()) s.dispose();
    this.slots.clear();
    tf.dispose(Object.values(this.constants));
  }
}

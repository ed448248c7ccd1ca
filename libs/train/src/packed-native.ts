import {
  fusedActivation,
  hasKernel,
  packedMlpForward,
  packedMlpStep,
  SUGAR_PACKED_MLP_FORWARD,
  SUGAR_PACKED_MLP_STEP,
  tf,
  type FusedActivation,
} from '@sugar-lab/core';
import type { EvalResult } from './evaluate';
import { NATIVE_HYPER_COLUMNS, type PackedOptimizer } from './packed-optimizer';
import type { PackPlan } from './packed-plan';

/** What one packed step returns per member: its batch loss, correct count and (for probes) kernel-gradient norms. */
export interface PackStepResult {
  losses: Float32Array;
  rights: Float32Array;
  /** Per member, its kernel-gradient norms per layer (undefined when the step did not update). */
  norms?: Float32Array[];
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * A pack's whole training step (forward, loss, backward, update of every member) as one native op, and its
 * evaluation and probe passes as one more, where sugar-lab's kernels run and every activation is one the ops compute
 * (fusedActivation). A step of the quick sweep's 12-layer MLP is otherwise ~100 engine ops, an evaluation or probe
 * pass ~40 a member, whose dispatch is most of their time.
 */
export class NativePack {
  private readonly layout: tf.Tensor;
  private readonly acts: tf.Tensor;
  private readonly empty = tf.tensor1d([], 'float32');

  private constructor(
    plan: PackPlan,
    acts: FusedActivation[][],
    decay: number[],
    private readonly optimizer: PackedOptimizer,
    private readonly flat: tf.Variable,
  ) {
    const offsets: number[] = [];
    plan.shapes.reduce((at, shape) => (offsets.push(at), at + sizeOf(shape)), 0);
    const rows = plan.layers.map((l) => [
      l.inputs,
      l.units,
      offsets[l.kernel],
      l.bias === undefined ? -1 : offsets[l.bias],
      decay[l.kernel],
      l.bias === undefined ? 0 : decay[l.bias],
    ]);
    this.layout = tf.tensor2d(rows, [rows.length, 6], 'int32');
    this.acts = tf.tensor3d(acts.flat(2), [acts.length, plan.layers.length, 3], 'float32');
  }

  /**
   * The step for a pack whose members (in pack order) have `plans`, or undefined where it cannot run natively.
   * `decay` says per weight whether weight decay applies (the members share it).
   */
  static create(plans: PackPlan[], decay: boolean[], optimizer: PackedOptimizer, flat: tf.Variable): NativePack | undefined {
    if (!hasKernel(SUGAR_PACKED_MLP_STEP) || !hasKernel(SUGAR_PACKED_MLP_FORWARD)) return undefined;
    const acts = plans.map((p) => p.layers.map((l) => fusedActivation(l.activation)));
    if (acts.some((row) => row.some((a) => a === undefined))) return undefined;
    return new NativePack(plans[0], acts as FusedActivation[][], optimizer.nativeDecay(decay), optimizer, flat);
  }

  /** One step of every member on its batch (x [K, B, ...], y [K, B, C]); nothing is updated when a loss is not finite. */
  step(x: tf.Tensor, y: tf.Tensor, lrs: number[]): PackStepResult {
    const k = lrs.length;
    const layers = this.layout.shape[0];
    const hyper = tf.tensor2d(this.optimizer.nativeHyper(lrs), [k, NATIVE_HYPER_COLUMNS]);
    const slots = this.optimizer.nativeSlots();
    const ready = x.rank === 3 && x.dtype === 'float32';
    const xs = ready ? x : tf.tidy(() => tf.cast(tf.reshape(x, [x.shape[0], x.shape[1] as number, -1]), 'float32'));
    const [w, s1, s2, stats] = packedMlpStep({
      w: this.flat,
      s1: slots[0] ?? this.empty,
      s2: slots[1] ?? this.empty,
      x: xs,
      y,
      layout: this.layout,
      acts: this.acts,
      hyper,
    });
    if (!ready) xs.dispose();
    hyper.dispose();
    const v = stats.dataSync() as Float32Array;
    stats.dispose();
    const row = (m: number) => v.subarray(m * (2 + layers), (m + 1) * (2 + layers));
    const losses = Float32Array.from({ length: k }, (_, m) => row(m)[0]);
    const rights = Float32Array.from({ length: k }, (_, m) => row(m)[1]);
    if (!losses.every(Number.isFinite)) {
      tf.dispose([w, s1, s2]);
      return { losses, rights };
    }
    this.optimizer.commitNative(w, [s1, s2].slice(0, slots.length));
    if (slots.length < 2) tf.dispose([s1, s2].slice(slots.length));
    return { losses, rights, norms: Array.from({ length: k }, (_, m) => row(m).slice(2)) };
  }

  /**
   * Every member's forward pass over the same rows x [N, ...] with targets y [N, C]: per member its evaluation (as
   * evaluate gives it) and its probe row (ActivationProbe.summarizeRow's input: the layers with an activation, in order).
   */
  forward(x: tf.Tensor, y: tf.Tensor): { evals: EvalResult[]; probes: Float32Array[] } {
    const n = x.shape[0];
    const xs = tf.tidy(() => tf.cast(tf.reshape(x, [n, -1]), 'float32'));
    const [evaluation, probe] = packedMlpForward(this.flat, xs, y, this.layout, this.acts);
    xs.dispose();
    const e = evaluation.dataSync() as Float32Array;
    const p = probe.dataSync() as Float32Array;
    const width = probe.shape[1];
    tf.dispose([evaluation, probe]);
    return {
      evals: Array.from({ length: evaluation.shape[0] }, (_, k) => ({ loss: e[2 * k], accuracy: e[2 * k + 1] / n, n })),
      probes: Array.from({ length: evaluation.shape[0] }, (_, k) => p.slice(k * width, (k + 1) * width)),
    };
  }

  dispose(): void {
    tf.dispose([this.layout, this.acts, this.empty]);
  }
}

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
import type { ResolvedOptimizerConfig } from './config';
import { modelParams, Optimizer } from './optimizers';
import { flatten, sizeOf } from './packed-mlp';
import { NATIVE_HYPER_COLUMNS, PackedOptimizer } from './packed-optimizer';
import { PackError, packPlan, type PackPlan } from './packed-plan';
import type { PackStepResult } from './step';

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
    const acts = nativeActivations(plans);
    return acts && new NativePack(plans[0], acts, optimizer.nativeDecay(decay), optimizer, flat);
  }

  /**
   * One step of every member on its batch (x [K, B, ...], y [K, B, C]); nothing is updated when a loss is not finite.
   * `norms[k]`: whether member k's kernel-gradient norms are wanted (probes); the others' come back as 0.
   */
  step(x: tf.Tensor, y: tf.Tensor, lrs: number[], norms: boolean[] = lrs.map(() => false)): PackStepResult {
    const k = lrs.length;
    const layers = this.layout.shape[0];
    const hyper = tf.tensor2d(this.optimizer.nativeHyper(lrs, norms), [k, NATIVE_HYPER_COLUMNS]);
    const slots = this.optimizer.nativeSlots();
    const ready = x.rank === 3 && x.dtype === 'float32' && y.dtype === 'float32';
    const [xs, ys] = ready ? [x, y] : tf.tidy(() => [tf.cast(tf.reshape(x, [x.shape[0], x.shape[1] as number, -1]), 'float32'), tf.cast(y, 'float32')]);
    const [w, s1, s2, stats] = packedMlpStep({
      w: this.flat,
      s1: slots[0] ?? this.empty,
      s2: slots[1] ?? this.empty,
      x: xs,
      y: ys,
      layout: this.layout,
      acts: this.acts,
      hyper,
    });
    if (!ready) tf.dispose([xs, ys]);
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
    const [xs, ys] = tf.tidy(() => [tf.cast(tf.reshape(x, [n, -1]), 'float32'), tf.cast(y, 'float32')]);
    const [evaluation, probe] = packedMlpForward(this.flat, xs, ys, this.layout, this.acts);
    tf.dispose([xs, ys]);
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

/** Whether the native ops train `plans` (members in pack order): sugar-lab's kernels run and compute every activation. */
function nativeActivations(plans: PackPlan[]): FusedActivation[][] | undefined {
  if (!hasKernel(SUGAR_PACKED_MLP_STEP) || !hasKernel(SUGAR_PACKED_MLP_FORWARD)) return undefined;
  const acts = plans.map((p) => p.layers.map((l) => fusedActivation(l.activation)));
  return acts.some((row) => row.some((a) => a === undefined)) ? undefined : (acts as FusedActivation[][]);
}

/**
 * Whether `fit` trains `model` with the fused native step (as a pack of one): a plain MLP (see packPlan) whose every
 * activation the ops compute, on tensorflow with sugar-lab's kernels.
 *
 * @param model the model fit would train
 */
export function trainsNatively(model: tf.LayersModel): boolean {
  return nativePlan(model) !== undefined;
}

/** Whether a pack of members with `plans` (in any order) trains with the native step. */
export function trainsNativelyAs(plans: PackPlan[]): boolean {
  return nativeActivations(plans) !== undefined;
}

/** The model's pack plan where the native ops train it alone, else undefined. */
export function nativePlan(model: tf.LayersModel): PackPlan | undefined {
  let plan: PackPlan;
  try {
    plan = packPlan(model);
  } catch (err) {
    if (err instanceof PackError) return undefined;
    throw err;
  }
  return nativeActivations([plan]) ? plan : undefined;
}

/**
 * One model's fused training step, as fit takes it (see nativeStepOf).
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export interface NativeStep {
  /** One step on x [B, ...], y [B, C] at learning rate `lr`. */
  step(x: tf.Tensor, y: tf.Tensor, lr: number): PackStepResult;
  dispose(): void;
}

/**
 * The fused step fit trains `model` with (a pack of one over a copy of its weights, with the optimizer `config`),
 * for timing it (sugar bench); undefined where fit trains op by op. The model's own weights are not updated.
 *
 * @param model the model fit would train
 * @param config the optimizer, resolved
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function nativeStepOf(model: tf.LayersModel, config: ResolvedOptimizerConfig): NativeStep | undefined {
  const plan = nativePlan(model);
  if (!plan) return undefined;
  const params = modelParams(model, config);
  const decay = params.map((p) => p.decay);
  const init = flatten([params.map((p) => p.variable)]);
  const flat = tf.variable(init, false);
  init.dispose();
  const own = new Optimizer(config, params);
  const optimizer = new PackedOptimizer([config], decay, plan.shapes, flat, [own]);
  own.dispose();
  const pack = NativePack.create([plan], decay, optimizer, flat)!;
  return {
    step: (x, y, lr) => {
      const [x1, y1] = tf.tidy(() => [tf.reshape(x, [1, x.shape[0], -1]), tf.reshape(y, [1, ...y.shape])]);
      try {
        return pack.step(x1, y1, [lr]);
      } finally {
        tf.dispose([x1, y1]);
      }
    },
    dispose: () => {
      pack.dispose();
      optimizer.dispose();
      flat.dispose();
    },
  };
}

import type { ProbeSuite } from '@sugar-lab/analysis';
import { FUSED_ACTIVATION, fusedActivation, tf } from '@sugar-lab/core';
import type { EpochMeasured } from './fit-epoch';
import { PackedMlp, packOrder } from './packed-mlp';
import { NativePack } from './packed-native';
import { PackedOptimizer } from './packed-optimizer';
import type { PackPlan } from './packed-plan';
import type { Member, PackStepResult, TrainStep } from './step';

const now = () => performance.now();

/** Per member: mean softmax cross-entropy over its batch ([K]), as softmaxCrossEntropy computes it. */
function memberLoss(logits: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1), -1));
}

function memberCorrect(logits: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(y, -1)), 'float32'), -1);
}

// Whether the probe measures exactly the layers the native forward pass reports (each activation it computes, in order).
function probesPlan(probes: ProbeSuite, plan: PackPlan): boolean {
  const acts = plan.layers.map((l) => l.activation).filter((a) => a && fusedActivation(a)?.[0] !== FUSED_ACTIVATION.none);
  const layers = probes.probe.layers;
  return layers.length === acts.length && layers.every((l, i) => l === acts[i]);
}

/**
 * K members of one dense-chain architecture as one stacked computation (weights [K, in, out] in one flat
 * variable, one batched matmul per layer), so a small model's per-op cost is paid once for K runs; where
 * sugar-lab's kernels compute every activation, the whole step is one native op (NativePack). The members'
 * models stay the reference: weights are copied from them at the start and back by `sync`.
 */
export class PackStep implements TrainStep {
  readonly members: readonly Member[];
  private readonly mlp: PackedMlp;
  private readonly optimizer: PackedOptimizer;
  private readonly native?: NativePack;

  /** `members` must all have a plan (packPlan) of one architecture. */
  constructor(members: readonly Member[]) {
    const plans = members.map((m) => m.plan!);
    this.members = packOrder(plans).map((i) => members[i]);
    const order = this.members;
    this.mlp = new PackedMlp(
      order[0].plan!,
      order.map((m) => m.run.model),
      order.map((m) => m.plan!),
    );
    try {
      const decay = order[0].run.optimizer.params.map((p) => p.decay);
      this.optimizer = new PackedOptimizer(
        order.map((m) => m.run.cfg.optimizer),
        decay,
        order[0].plan!.shapes,
        this.mlp.flat,
        order.map((m) => m.run.optimizer),
      );
      this.native = NativePack.create(
        order.map((m) => m.plan!),
        decay,
        this.optimizer,
        this.mlp.flat,
      );
    } catch (err) {
      this.mlp.dispose();
      throw err;
    }
  }

  step(epoch: number, idx: Int32Array[], lrs: number[]): PackStepResult {
    const { x, y } = this.batch(epoch, idx);
    try {
      return this.native ? this.nativeStep(x, y, lrs) : this.stackedStep(x, y, lrs);
    } finally {
      tf.dispose([x, y]);
    }
  }

  sync(): void {
    this.mlp.writeBack();
    this.optimizer.writeBack(this.members.map((m) => m.run.optimizer));
  }

  finiteSums(): boolean[] {
    const flat = [this.mlp.flat, ...this.optimizer.stateVariables()];
    const sums = tf.tidy(() => tf.addN(flat.map((t) => tf.sum(t, 1))).dataSync());
    return Array.from(sums, Number.isFinite);
  }

  /**
   * The members' evaluations and probe statistics from the native forward pass (one op over the shared rows for
   * all members), where it runs for all of them; finishEpoch measures the rest itself.
   */
  measures(): EpochMeasured[] {
    const { native, members } = this;
    const out: EpochMeasured[] = members.map(() => ({}));
    if (!native) return out;
    const first = members[0].run;
    const share = (t0: number) => (now() - t0) / members.length;
    const split = first.evalName;
    const n = split === 'none' ? 0 : (first.source.size(split) ?? 0);
    if (split !== 'none' && n > 0 && members.every((m) => m.run.evalName === split)) {
      const t0 = now();
      const { x, y } = first.source.range(split, 0, n);
      const { evals } = native.forward(x, y);
      tf.dispose([x, y]);
      const evalMs = share(t0);
      evals.forEach((e, k) => Object.assign(out[k], { eval: e, evalMs }));
    }
    const probes = members.map((m) => m.run.probes);
    const size = probes[0]?.probe.size;
    if (probes.every((p, k) => p && p.probe.size === size && probesPlan(p, members[k].plan!))) {
      const t0 = now();
      const x = probes[0]!.probe.input;
      const plan = members[0].plan!;
      const y = tf.zeros([x.shape[0], plan.layers[plan.layers.length - 1].units]);
      const rows = native.forward(x, y).probes;
      y.dispose();
      const probeMs = share(t0);
      rows.forEach((row, k) => Object.assign(out[k], { units: probes[k]!.probe.summarizeRow(row), probeMs }));
    }
    return out;
  }

  dispose(): void {
    this.mlp.dispose();
    this.optimizer.dispose();
    this.native?.dispose();
  }

  /**
   * The members' batches as [K, batch, ...] tensors. Without augmentation a batch does not depend on the seed,
   * so all members' samples come from one gather; with it each member's batch is made with its own seed.
   */
  private batch(epoch: number, idx: Int32Array[]): { x: tf.Tensor; y: tf.Tensor } {
    const k = idx.length;
    const b = idx[0].length;
    const members = this.members;
    if (!members[0].run.cfg.data.augment) {
      const all = new Int32Array(k * b);
      idx.forEach((part, i) => all.set(part, i * b));
      const { x, y } = members[0].run.source.batch('train', all, epoch);
      const out = { x: tf.reshape(x, [k, b, -1]), y: tf.reshape(y, [k, b, -1]) };
      tf.dispose([x, y]);
      return out;
    }
    const parts = members.map((m, i) => m.run.source.batch('train', idx[i], epoch));
    const out = { x: tf.stack(parts.map((p) => tf.reshape(p.x, [b, -1]))), y: tf.stack(parts.map((p) => p.y)) };
    tf.dispose(parts.flatMap((p) => [p.x, p.y]));
    return out;
  }

  private wantsNorms(): boolean[] {
    return this.members.map((m) => m.run.probes?.wantsGradients(m.run.step) ?? false);
  }

  private nativeStep(x: tf.Tensor, y: tf.Tensor, lrs: number[]): PackStepResult {
    const wants = this.wantsNorms();
    const r = this.native!.step(x, y, lrs, wants);
    this.members.forEach((m, k) => {
      if (!wants[k] || !r.norms) return;
      const norms = tf.tensor1d(r.norms[k]);
      m.run.probes!.recordGradientNorms(norms);
      norms.dispose();
    });
    return r;
  }

  private stackedStep(x: tf.Tensor, y: tf.Tensor, lrs: number[]): PackStepResult {
    const wants = this.wantsNorms();
    const k = this.members.length;
    const { mlp } = this;
    return tf.tidy(() => {
      let correct: tf.Tensor | undefined;
      let losses: tf.Tensor | undefined;
      // Gradients with respect to the per-layer views, not the flat variable: a slice's gradient is a pad to
      // the whole [K, P] row, one per weight, which would cost more than the optimizer ops flattening saves.
      const { grads } = tf.valueAndGrads((...w: tf.Tensor[]) => {
        const logits = mlp.forward(x, w);
        correct = tf.keep(memberCorrect(logits, y));
        losses = tf.keep(memberLoss(logits, y));
        return tf.sum<tf.Scalar>(losses);
      })(mlp.views());
      const both = tf.stack([losses!, correct!]);
      const v = both.dataSync() as Float32Array;
      tf.dispose([losses!, correct!]);
      const out = { losses: v.slice(0, k), rights: v.slice(k) };
      if (!out.losses.every(Number.isFinite)) return out;
      if (wants.some(Boolean)) this.recordNorms(grads, wants);
      this.optimizer.apply(
        tf.concat(
          grads.map((g) => (g.rank === 2 ? g : tf.reshape(g, [k, -1]))),
          1,
        ),
        lrs,
      );
      return out;
    });
  }

  // Kernel-gradient norms [K, layers] for the members whose probes sample this step.
  private recordNorms(grads: tf.Tensor[], wants: boolean[]): void {
    const norms = tf.stack(
      // A kernel's gradient is [K, in, out], or [K, in * out] with the native dense op.
      this.mlp.plan.layers.map((l) => tf.sqrt(tf.sum(tf.square(grads[l.kernel]), grads[l.kernel].rank === 2 ? 1 : [1, 2]))),
      1,
    );
    const rows = tf.unstack(norms) as tf.Tensor1D[];
    this.members.forEach((m, k) => wants[k] && m.run.probes!.recordGradientNorms(rows[k]));
  }
}

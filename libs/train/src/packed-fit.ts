import type { ProbeSuite } from '@sugar-lab/analysis';
import { FUSED_ACTIVATION, fusedActivation, tf } from '@sugar-lab/core';
import { resolveTrainConfig, type ResolvedTrainConfig, type TrainConfig } from './config';
import { trainOrder, type TrainData } from './data';
import { finishRun, type Ending, type FitOptions } from './fit';
import { finishEpoch, type EpochCore, type EpochMeasured } from './fit-epoch';
import { resumeRun } from './fit-resume';
import { attachProbes, createRun, disposeRun, type FitRun } from './fit-run';
import { JsonlSink } from './jsonl';
import type { FitResult } from './metrics';
import { PackedMlp, packOrder } from './packed-mlp';
import { NativePack, type PackStepResult } from './packed-native';
import { PackedOptimizer } from './packed-optimizer';
import { checkSamePlan, PackError, packPlan, type PackPlan } from './packed-plan';
import { learningRateAt } from './schedule';

/** One run of a pack: its own model (its initial weights), config (seed, optimizer scalars...) and options. */
export interface PackMember {
  model: tf.LayersModel;
  config: TrainConfig;
  options?: FitOptions;
}

/**
 * What the members of one pack must share: the batch shape and data pipeline and the optimizer's update rule.
 * Seeds, activations, epochs, learning rates and schedules, momentum, betas, eps, weight decay and probes may
 * differ; whether momentum and weight decay are on may not (it changes which state a checkpoint holds).
 */
export function packFields(config: TrainConfig | ResolvedTrainConfig): Record<string, unknown> {
  const c = resolveTrainConfig(config);
  const o = c.optimizer;
  return {
    batchSize: c.batchSize,
    dropLast: c.dropLast,
    data: c.data,
    'optimizer.name': o.name,
    'optimizer.nesterov': o.nesterov,
    'optimizer.decayOn': o.decayOn,
    'optimizer.momentum > 0': o.momentum > 0,
    'optimizer.weightDecay > 0': o.weightDecay > 0,
  };
}

interface Member {
  run: FitRun;
  plan: PackPlan;
  ending?: Ending;
  result?: FitResult;
}

interface Pack {
  members: Member[];
  mlp: PackedMlp;
  optimizer: PackedOptimizer;
  /** The whole step as one native op, where it runs (else op by op through mlp and optimizer). */
  native?: NativePack;
}

const now = () => performance.now();
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message} ${err.stack}` : String(err));
const lastEpoch = (m: Member) => m.run.epochs[m.run.epochs.length - 1].epoch;

function checkFields(members: PackMember[]): void {
  const first = packFields(members[0].config);
  members.slice(1).forEach((m, i) => {
    const fields = packFields(m.config);
    for (const [key, value] of Object.entries(fields)) {
      if (JSON.stringify(value) !== JSON.stringify(first[key])) {
        throw new PackError(
          `pack member ${i + 2}: ${key} is ${JSON.stringify(value)}; member 1's is ${JSON.stringify(first[key])} (a pack shares ${Object.keys(first).join(', ')})`,
        );
      }
    }
  });
}

function buildPack(members: Member[]): Pack {
  const order = packOrder(members.map((m) => m.plan)).map((i) => members[i]);
  const mlp = new PackedMlp(
    order[0].plan,
    order.map((m) => m.run.model),
    order.map((m) => m.plan),
  );
  try {
    const decay = order[0].run.optimizer.params.map((p) => p.decay);
    const optimizer = new PackedOptimizer(
      order.map((m) => m.run.cfg.optimizer),
      decay,
      order[0].plan.shapes,
      mlp.flat,
      order.map((m) => m.run.optimizer),
    );
    const native = NativePack.create(
      order.map((m) => m.plan),
      decay,
      optimizer,
      mlp.flat,
    );
    return { members: order, mlp, optimizer, ...(native ? { native } : {}) };
  } catch (err) {
    mlp.dispose();
    throw err;
  }
}

/** Each member's weights and optimizer state back into its model and Optimizer (what eval, probes and checkpoints read). */
function writeBack(pack: Pack): void {
  pack.mlp.writeBack();
  pack.optimizer.writeBack(pack.members.map((m) => m.run.optimizer));
}

function disposePack(pack: Pack | undefined): void {
  pack?.mlp.dispose();
  pack?.optimizer.dispose();
  pack?.native?.dispose();
}

/**
 * The members' batches as [K, batch, ...] tensors. Without augmentation a batch does not depend on the seed,
 * so all members' samples come from one gather; with it each member's batch is made with its own seed.
 */
function packBatch(pack: Pack, epoch: number, idx: Int32Array[]): { x: tf.Tensor; y: tf.Tensor } {
  const k = idx.length;
  const b = idx[0].length;
  const members = pack.members;
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

/** Per member: mean softmax cross-entropy over its batch ([K]), as softmaxCrossEntropy computes it. */
function memberLoss(logits: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), -1), -1));
}

function memberCorrect(logits: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(y, -1)), 'float32'), -1);
}

// Kernel-gradient norms [K, layers] for the members whose probes sample this step.
function recordNorms(pack: Pack, grads: tf.Tensor[], wants: boolean[]): void {
  const norms = tf.stack(
    // A kernel's gradient is [K, in, out], or [K, in * out] with the native dense op.
    pack.mlp.plan.layers.map((l) => tf.sqrt(tf.sum(tf.square(grads[l.kernel]), grads[l.kernel].rank === 2 ? 1 : [1, 2]))),
    1,
  );
  const rows = tf.unstack(norms) as tf.Tensor1D[];
  pack.members.forEach((m, k) => wants[k] && m.run.probes!.recordGradientNorms(rows[k]));
}

/** One optimizer step of every member on its own batch; the update is skipped when any member's loss is not finite. */
function packStep(pack: Pack, x: tf.Tensor, y: tf.Tensor, lrs: number[]): PackStepResult {
  const wants = pack.members.map((m) => m.run.probes?.wantsGradients(m.run.step) ?? false);
  if (pack.native) {
    const r = pack.native.step(x, y, lrs, wants);
    pack.members.forEach((m, k) => {
      if (!wants[k] || !r.norms) return;
      const norms = tf.tensor1d(r.norms[k]);
      m.run.probes!.recordGradientNorms(norms);
      norms.dispose();
    });
    return r;
  }
  const k = pack.members.length;
  return tf.tidy(() => {
    let correct: tf.Tensor | undefined;
    let losses: tf.Tensor | undefined;
    // Gradients with respect to the per-layer views, not the flat variable: a slice's gradient is a pad to
    // the whole [K, P] row, one per weight, which would cost more than the optimizer ops flattening saves.
    const { grads } = tf.valueAndGrads((...w: tf.Tensor[]) => {
      const logits = pack.mlp.forward(x, w);
      correct = tf.keep(memberCorrect(logits, y));
      losses = tf.keep(memberLoss(logits, y));
      return tf.sum<tf.Scalar>(losses);
    })(pack.mlp.views());
    const both = tf.stack([losses!, correct!]);
    const v = both.dataSync() as Float32Array;
    tf.dispose([losses!, correct!]);
    const out = { losses: v.slice(0, k), rights: v.slice(k) };
    if (!out.losses.every(Number.isFinite)) return out;
    if (wants.some(Boolean)) recordNorms(pack, grads, wants);
    pack.optimizer.apply(
      tf.concat(
        grads.map((g) => (g.rank === 2 ? g : tf.reshape(g, [k, -1]))),
        1,
      ),
      lrs,
    );
    return out;
  });
}

// Whether the probe measures exactly the layers the native forward pass reports (each activation it computes, in order).
function probesPlan(probes: ProbeSuite, plan: PackPlan): boolean {
  const acts = plan.layers.map((l) => l.activation).filter((a) => a && fusedActivation(a)?.[0] !== FUSED_ACTIVATION.none);
  const layers = probes.probe.layers;
  return layers.length === acts.length && layers.every((l, i) => l === acts[i]);
}

/**
 * The members' evaluations and probe statistics from the pack's native forward pass (one op over the shared rows
 * for all members), where it runs for all of them; finishEpoch measures the rest itself.
 */
function nativeMeasures(pack: Pack): EpochMeasured[] {
  const out: EpochMeasured[] = pack.members.map(() => ({}));
  const { native, members } = pack;
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
  if (probes.every((p, k) => p && p.probe.size === size && probesPlan(p, members[k].plan))) {
    const t0 = now();
    const x = probes[0]!.probe.input;
    const y = tf.zeros([x.shape[0], members[0].plan.layers[members[0].plan.layers.length - 1].units]);
    const rows = native.forward(x, y).probes;
    y.dispose();
    const probeMs = share(t0);
    rows.forEach((row, k) => Object.assign(out[k], { units: probes[k]!.probe.summarizeRow(row), probeMs }));
  }
  return out;
}

/** The loop of a whole pack: members that train the same epoch share a pack; the rest wait or have ended. */
class PackTrainer {
  private pack: Pack | undefined;
  private lastYield = now();

  constructor(private readonly members: Member[]) {}

  private async end(m: Member, ending: Ending): Promise<void> {
    m.ending = ending;
    m.result = await finishRun(m.run, ending);
  }

  private live(): Member[] {
    return this.members.filter((m) => !m.ending);
  }

  /** Epoch 0 for members that start fresh; the log is started over from the checkpoint's records, as fit does. */
  async open(): Promise<void> {
    for (const m of this.members) {
      try {
        const run = m.run;
        if (run.cfg.logPath)
          run.sink = new JsonlSink(
            run.cfg.logPath,
            run.epochs.map((e) => ({ type: 'epoch', ...e })),
          );
        if (run.epochs.length === 0) await finishEpoch(run, { epoch: 0, step: 0, lr: null, trainLoss: null, trainAcc: null }, 0);
      } catch (err) {
        await this.end(m, { status: 'failed', error: errorText(err) });
      }
    }
  }

  async train(): Promise<void> {
    try {
      for (;;) {
        for (const m of this.live()) {
          if (m.run.signal?.aborted) await this.end(m, { status: 'interrupted' });
          else if (lastEpoch(m) >= m.run.cfg.epochs) await this.end(m, { status: 'completed' });
        }
        const live = this.live();
        if (!live.length) return;
        // Members resumed from different epochs: the ones behind train first, the others join when level.
        const epoch = Math.min(...live.map(lastEpoch)) + 1;
        const group = live.filter((m) => lastEpoch(m) + 1 === epoch);
        try {
          this.packFor(group);
          await this.trainEpoch(epoch);
        } catch (err) {
          const failed = this.pack?.members ?? group;
          disposePack(this.pack);
          this.pack = undefined;
          for (const m of failed.filter((m) => !m.ending)) await this.end(m, { status: 'failed', error: errorText(err) });
        }
      }
    } finally {
      disposePack(this.pack);
      this.pack = undefined;
    }
  }

  private packFor(group: Member[]): Pack {
    const same = this.pack && this.pack.members.length === group.length && group.every((m) => this.pack!.members.includes(m));
    if (!same) {
      disposePack(this.pack);
      this.pack = undefined;
      this.pack = buildPack(group);
    }
    return this.pack!;
  }

  // A member whose loss stops being finite ends as 'diverged' with its weights before that step (as fit leaves
  // them); the others continue in a pack without it, from the same step.
  private async dropDiverged(losses: Float32Array, epoch: number, batch: number, lrs: number[]): Promise<void> {
    const pack = this.pack!;
    writeBack(pack);
    const bad = pack.members.filter((_, k) => !Number.isFinite(losses[k]));
    for (const m of bad) {
      const k = pack.members.indexOf(m);
      const error = `loss became ${losses[k]} at epoch ${epoch}, batch ${batch + 1}, step ${m.run.step + 1} (lr ${lrs[k]})`;
      await this.end(m, { status: 'diverged', error });
    }
    const rest = pack.members.filter((m) => !bad.includes(m));
    disposePack(pack);
    this.pack = undefined;
    if (rest.length) this.pack = buildPack(rest);
  }

  private async trainEpoch(epoch: number): Promise<void> {
    const t0 = now();
    const sums = new Map<Member, { loss: number; right: number; seen: number; lr: number }>();
    const orders = new Map<Member, Int32Array>();
    for (const m of this.pack!.members) {
      sums.set(m, { loss: 0, right: 0, seen: 0, lr: NaN });
      orders.set(m, trainOrder(m.run.n, m.run.cfg.seed, epoch));
    }
    const { n, batches, cfg } = this.pack!.members[0].run;
    for (let b = 0; b < batches; b++) {
      const pack = this.pack;
      if (!pack) return;
      const members = pack.members;
      const idx = members.map((m) => orders.get(m)!.subarray(b * cfg.batchSize, Math.min((b + 1) * cfg.batchSize, n)));
      const lrs = members.map((m) => learningRateAt(m.run.step, m.run.cfg.schedule, m.run.cfg.warmup, m.run.schedCtx));
      const { x, y } = packBatch(pack, epoch, idx);
      let r: PackStepResult;
      try {
        r = packStep(pack, x, y, lrs);
      } finally {
        tf.dispose([x, y]);
      }
      if (!r.losses.every(Number.isFinite)) {
        await this.dropDiverged(r.losses, epoch, b, lrs);
        b--; // the same step again, for the members left
        continue;
      }
      for (let k = 0; k < members.length; k++) {
        const m = members[k];
        const s = sums.get(m)!;
        m.run.step++;
        s.loss += r.losses[k] * idx[k].length;
        s.right += r.rights[k];
        s.seen += idx[k].length;
        s.lr = lrs[k];
        m.run.progress.batch(epoch, b + 1, batches, r.losses[k], lrs[k]);
        await m.run.callbacks.onBatchEnd?.({ epoch, batch: b + 1, batches, step: m.run.step, loss: r.losses[k], lr: lrs[k] });
      }
      if (now() - this.lastYield > 50) {
        await yieldToEventLoop();
        this.lastYield = now();
      }
    }
    const pack = this.pack;
    if (!pack) return;
    writeBack(pack);
    const trainMs = now() - t0;
    const measured = nativeMeasures(pack);
    for (const [k, m] of pack.members.entries()) {
      const s = sums.get(m)!;
      const core: EpochCore = { epoch, step: m.run.step, lr: s.lr, trainLoss: s.loss / s.seen, trainAcc: s.right / s.seen };
      try {
        await finishEpoch(m.run, core, trainMs, measured[k]);
      } catch (err) {
        await this.end(m, { status: 'failed', error: errorText(err) });
      }
    }
  }
}

function prepare(data: TrainData, members: PackMember[]): Member[] {
  const plans = members.map((m) => packPlan(m.model));
  plans.forEach((p, i) => checkSamePlan(plans[0], p, i));
  checkFields(members);
  const out: Member[] = [];
  try {
    members.forEach((m, i) => {
      const run = createRun(m.model, data, m.config, m.options ?? {});
      out.push({ run, plan: plans[i] });
      attachProbes(run, m.options?.activationLayers);
      resumeRun(run);
    });
  } catch (err) {
    out.forEach((m) => disposeRun(m.run));
    throw err;
  }
  return out;
}

/**
 * Trains K runs of one MLP architecture on the same data as one stacked computation (weights [K, in, out],
 * one batched matmul per layer), so the per-op cost of a small model is paid once for K runs. Each member
 * is what `fit(member.model, data, member.config, member.options)` would be: its own data order (its seed),
 * activation, optimizer scalars and state, probes, metrics log, checkpoints (fit's format: a member resumes
 * packed or with `fit`), abort signal and result, with the same numbers to float32 rounding. A member whose
 * loss stops being finite ends 'diverged' alone; the others go on. The members' models hold their trained
 * weights at the end. Throws before training (PackError) when the models or configs cannot share a pack,
 * and for whatever `fit` would throw for (bad config or data, a checkpoint of another config).
 */
export async function fitPacked(data: TrainData, members: PackMember[]): Promise<FitResult[]> {
  if (!members.length) throw new PackError('fitPacked: expected at least one member; found none');
  const prepared = prepare(data, members);
  const trainer = new PackTrainer(prepared);
  await trainer.open();
  await trainer.train();
  return prepared.map((m) => m.result!);
}

import { hostInterrupted } from '@sugar-lab/core';
import { trainOrder } from './data';
import { finishEpoch, type EpochCore } from './fit-epoch';
import type { Ending } from './fit-options';
import { nonFiniteState } from './finite-state';
import { disposeRun, type FitRun } from './fit-run';
import { JsonlSink } from './jsonl';
import { configMarkdown, TensorBoardSink } from './tensorboard-sink';
import type { FitResult } from './metrics';
import { learningRateAt } from './schedule';
import type { Member, TrainStep } from './step';
import { OpStep } from './step-op';
import { PackStep } from './step-pack';

const now = () => performance.now();
// setImmediate is Node's; a page yields with a timer.
const yieldToEventLoop = () => new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
/** A failure's ending: the error as `Name: message`, and its stack where it has one. */
const failure = (err: unknown): Ending =>
  err instanceof Error
    ? { status: 'failed', error: `${err.name}: ${err.message}`, ...(err.stack ? { stack: err.stack } : {}) }
    : { status: 'failed', error: String(err) };
const lastEpoch = (m: Member) => m.run.epochs[m.run.epochs.length - 1].epoch;

/** A member that trains alone without a plan goes op by op; with one (packed, or fused alone) as a pack. */
function stepFor(group: Member[]): TrainStep {
  return group.length === 1 && !group[0].plan ? new OpStep(group[0]) : new PackStep(group);
}

/** The result, the log's end line and the progress summary; frees the run's tensors. */
async function finishRun(run: FitRun, { status, error, stack }: Ending): Promise<FitResult> {
  const final = run.epochs[run.epochs.length - 1];
  const result: FitResult = { status, epochs: run.epochs, final, step: run.step };
  if (error !== undefined) result.error = error;
  if (stack !== undefined) result.stack = stack;
  if (run.resumedFrom !== undefined) result.resumedFrom = run.resumedFrom;
  if (run.checkpoint !== undefined) result.checkpoint = run.checkpoint;
  if (run.warnings.length) result.warnings = run.warnings;
  try {
    run.sink?.append({ type: 'end', status, epoch: final?.epoch ?? 0, step: run.step, ...(error ? { error } : {}) });
  } catch {
    // The log is best effort once training has ended; the result still carries the status.
  }
  run.sink?.close();
  run.tensorboard?.close();
  run.progress.done(`${status} after ${run.step} steps${error ? `: ${error}` : ''}`);
  disposeRun(run);
  await run.callbacks.onTrainEnd?.(result);
  return result;
}

/**
 * The one training loop, for a run alone and for a pack: every member's epoch 0 (unless resumed), then epoch by
 * epoch, batch by batch in each member's (seed, epoch) order, through a TrainStep. Members that train the same
 * epoch share the step; members resumed from different epochs train the ones behind first. A member whose loss
 * stops being finite ends 'diverged' with its weights before that step; the others go on from the same step.
 * Never throws: a failure ends the members it touched as 'failed', with the error's stack.
 */
export class Trainer {
  private step: TrainStep | undefined;
  private lastYield = now();

  constructor(private readonly members: Member[]) {}

  /** Trains every member to its end; each member's `result` is set. */
  async run(): Promise<void> {
    await this.open();
    try {
      await this.loop();
    } finally {
      this.step?.dispose();
      this.step = undefined;
    }
  }

  private async end(m: Member, ending: Ending): Promise<void> {
    m.ending = ending;
    m.result = await finishRun(m.run, ending);
  }

  private live(): Member[] {
    return this.members.filter((m) => !m.ending);
  }

  /** Epoch 0 for members that start fresh; the log is started over from the checkpoint's records, TensorBoard's continued. */
  private async open(): Promise<void> {
    for (const m of this.members) {
      try {
        const run = m.run;
        if (run.cfg.logPath)
          run.sink = new JsonlSink(
            run.cfg.logPath,
            run.epochs.map((e) => ({ type: 'epoch', ...e })),
          );
        if (run.cfg.tensorboardDir) run.tensorboard = new TensorBoardSink(run.cfg.tensorboardDir, run.epochs, configMarkdown(run.tensorboardConfig));
        if (run.epochs.length === 0) await finishEpoch(run, { epoch: 0, step: 0, lr: null, trainLoss: null, trainAcc: null }, 0);
      } catch (err) {
        await this.end(m, failure(err));
      }
    }
  }

  private async loop(): Promise<void> {
    for (;;) {
      for (const m of this.live()) {
        if (m.run.signal?.aborted || hostInterrupted()) await this.end(m, { status: 'interrupted' });
        else if (lastEpoch(m) >= m.run.cfg.epochs) await this.end(m, { status: 'completed' });
      }
      const live = this.live();
      if (!live.length) return;
      const epoch = Math.min(...live.map(lastEpoch)) + 1;
      const group = live.filter((m) => lastEpoch(m) + 1 === epoch);
      try {
        this.use(group);
        await this.trainEpoch(epoch);
      } catch (err) {
        const failed = this.step?.members ?? group;
        this.drop();
        for (const m of failed.filter((m) => !m.ending)) await this.end(m, failure(err));
      }
    }
  }

  private drop(): void {
    this.step?.dispose();
    this.step = undefined;
  }

  private use(group: Member[]): void {
    const current = this.step?.members;
    if (current && current.length === group.length && group.every((m) => current.includes(m))) return;
    this.drop();
    this.step = stepFor(group);
  }

  // Members with an error (in step order) end 'diverged' with it; the rest go on in a step of their own.
  private async endDiverged(errors: (string | undefined)[]): Promise<void> {
    const step = this.step!;
    for (const [k, m] of step.members.entries()) if (errors[k]) await this.end(m, { status: 'diverged', error: errors[k] });
    const rest = step.members.filter((_, k) => !errors[k]);
    this.drop();
    if (rest.length) this.step = stepFor(rest);
  }

  // Members whose loss stopped being finite end with their weights before this step (synced back).
  private async dropDiverged(losses: Float32Array, epoch: number, batch: number, lrs: number[]): Promise<void> {
    const step = this.step!;
    step.sync();
    await this.endDiverged(
      step.members.map((m, k) =>
        Number.isFinite(losses[k]) ? undefined : `loss became ${losses[k]} at epoch ${epoch}, batch ${batch + 1}, step ${m.run.step + 1} (lr ${lrs[k]})`,
      ),
    );
  }

  // Members whose weights or optimizer state stopped being finite this epoch end 'diverged'.
  private async dropNonFinite(epoch: number, batches: number): Promise<void> {
    const step = this.step!;
    const screen = step.finiteSums();
    if (screen.every(Boolean)) return;
    // A sum can also overflow from finite values: the exact check decides, and names the tensor.
    const bad = step.members.map((m, k) => (screen[k] ? undefined : nonFiniteState(m.run)));
    if (bad.every((b) => b === undefined)) return;
    await this.endDiverged(step.members.map((m, k) => bad[k] && `${bad[k]} at the end of epoch ${epoch} (steps ${m.run.step - batches + 1}-${m.run.step})`));
  }

  // The host's interrupt (a notebook's stop button) does not wait for the epoch: the members end 'interrupted' at
  // this step boundary, their models holding this step's weights; their last checkpoint is the epoch before.
  private async stopNow(): Promise<void> {
    const step = this.step!;
    step.sync();
    this.drop();
    for (const m of step.members) await this.end(m, { status: 'interrupted' });
  }

  private async trainEpoch(epoch: number): Promise<void> {
    const t0 = now();
    const sums = new Map<Member, { loss: number; right: number; seen: number; lr: number }>();
    const orders = new Map<Member, Int32Array>();
    for (const m of this.step!.members) {
      sums.set(m, { loss: 0, right: 0, seen: 0, lr: NaN });
      orders.set(m, trainOrder(m.run.n, m.run.cfg.seed, epoch));
    }
    const { n, batches, cfg } = this.step!.members[0].run;
    for (let b = 0; b < batches; b++) {
      const step = this.step;
      if (!step) return;
      if (hostInterrupted()) return this.stopNow();
      const members = step.members;
      const idx = members.map((m) => orders.get(m)!.subarray(b * cfg.batchSize, Math.min((b + 1) * cfg.batchSize, n)));
      const lrs = members.map((m) => learningRateAt(m.run.step, m.run.cfg.schedule, m.run.cfg.warmup, m.run.schedCtx));
      const r = step.step(epoch, idx, lrs);
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
      // Let signal handlers (Ctrl-C) and timers run during a long epoch.
      if (now() - this.lastYield > 50) {
        await yieldToEventLoop();
        this.lastYield = now();
      }
    }
    if (!this.step) return;
    this.step.sync();
    await this.dropNonFinite(epoch, batches);
    const step = this.step;
    if (!step) return;
    const trainMs = now() - t0;
    const measured = step.measures();
    for (const [k, m] of step.members.entries()) {
      const s = sums.get(m)!;
      const core: EpochCore = { epoch, step: m.run.step, lr: s.lr, trainLoss: s.loss / s.seen, trainAcc: s.right / s.seen };
      try {
        await finishEpoch(m.run, core, trainMs, measured[k]);
      } catch (err) {
        await this.end(m, failure(err));
      }
    }
  }
}

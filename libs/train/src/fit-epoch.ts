import { tf } from '@sugar-lab/core';
import { trainOrder } from './data';
import type { LayerUnitStats } from '@sugar-lab/analysis';
import { evaluate, type EvalResult } from './evaluate';
import { checkpointRun } from './fit-resume';
import type { FitRun } from './fit-run';
import type { EpochDetail, EpochMetrics } from './metrics';
import { formatNumber } from './progress';
import { learningRateAt } from './schedule';
import { trainStep, type StepOutcome } from './train-step';

const now = () => performance.now();
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An epoch's record before evaluation, probes and timing are added. */
export type EpochCore = Omit<EpochMetrics, 'evalSplit' | 'evalLoss' | 'evalAcc' | 'probes' | 'timing'>;

/** How an epoch's training ended: its record, or where the loss stopped being finite. */
export type EpochOutcome = { core: EpochCore; trainMs: number } | { diverged: string };

// One optimizer step on the samples `idx`; returns the batch's loss and correct count.
function trainBatch(run: FitRun, epoch: number, idx: Int32Array, lr: number): StepOutcome {
  const { model, optimizer, probes } = run;
  const measureGrads = probes?.wantsGradients(run.step) ?? false;
  const { x: xb, y: yb } = run.source.batch('train', idx, epoch);
  try {
    return trainStep(model, run.variables, optimizer, xb, yb, lr, measureGrads ? (g) => probes!.recordGradients(g) : undefined);
  } finally {
    tf.dispose([xb, yb]);
  }
}

/** Trains one epoch, batch by batch in the (seed, epoch) order; stops at a non-finite loss. */
export async function trainEpoch(run: FitRun, epoch: number): Promise<EpochOutcome> {
  const { cfg, n, batches } = run;
  const t0 = now();
  const order = trainOrder(n, cfg.seed, epoch);
  let lossSum = 0;
  let correctSum = 0;
  let seen = 0;
  let lr = NaN;
  for (let b = 0; b < batches; b++) {
    const idx = order.subarray(b * cfg.batchSize, Math.min((b + 1) * cfg.batchSize, n));
    lr = learningRateAt(run.step, cfg.schedule, cfg.warmup, run.schedCtx);
    const r = trainBatch(run, epoch, idx, lr);
    if (!Number.isFinite(r.loss)) return { diverged: `loss became ${r.loss} at epoch ${epoch}, batch ${b + 1}, step ${run.step + 1} (lr ${lr})` };
    run.step++;
    lossSum += r.loss * idx.length;
    correctSum += r.right;
    seen += idx.length;
    run.progress.batch(epoch, b + 1, batches, r.loss, lr);
    await run.callbacks.onBatchEnd?.({ epoch, batch: b + 1, batches, step: run.step, loss: r.loss, lr });
    // Let signal handlers (Ctrl-C) and timers run during a long epoch.
    if (now() - run.lastYield > 50) {
      await yieldToEventLoop();
      run.lastYield = now();
    }
  }
  return { core: { epoch, step: run.step, lr, trainLoss: lossSum / seen, trainAcc: correctSum / seen }, trainMs: now() - t0 };
}

function epochLine(m: EpochMetrics, epochs: number): string {
  const parts = [`epoch ${m.epoch}/${epochs}`];
  if (m.trainLoss !== null) parts.push(`loss ${formatNumber(m.trainLoss)} acc ${formatNumber(m.trainAcc ?? NaN)}`);
  if (m.evalLoss !== undefined) parts.push(`${m.evalSplit} loss ${formatNumber(m.evalLoss)} acc ${formatNumber(m.evalAcc ?? NaN)}`);
  if (m.probes) parts.push(`dead ${(100 * m.probes.deadFraction).toFixed(1)}% resurrected ${m.probes.resurrected}`);
  const t = m.timing;
  parts.push(`${((t.trainMs + t.evalMs + t.probeMs) / 1000).toFixed(2)}s`);
  return parts.join(' | ');
}

/** An epoch's evaluation and probe statistics computed elsewhere (a pack's native forward pass), with their share of its time. */
export interface EpochMeasured {
  eval?: EvalResult;
  evalMs?: number;
  units?: LayerUnitStats[];
  probeMs?: number;
}

/** Evaluation and probes at the end of an epoch (those in `measured` as given); logs, checkpoints and reports the record. */
export async function finishEpoch(run: FitRun, core: EpochCore, trainMs: number, measured: EpochMeasured = {}): Promise<void> {
  const record: EpochMetrics = { ...core, timing: { trainMs, evalMs: 0, probeMs: 0, checkpointMs: 0 } };
  let t0 = now() - (measured.evalMs ?? 0);
  if (run.evalName !== 'none') {
    const r = measured.eval ?? evaluate(run.model, run.source, run.evalName, run.cfg.eval.batchSize);
    record.evalSplit = run.evalName;
    record.evalLoss = r.loss;
    record.evalAcc = r.accuracy;
  }
  record.timing.evalMs = now() - t0;
  t0 = now() - (measured.probeMs ?? 0);
  let detail: EpochDetail = {};
  if (run.probes) {
    const { record: p, units } = run.probes.measure(measured.units);
    record.probes = p;
    detail = { units };
  }
  record.timing.probeMs = now() - t0;
  run.epochs.push(record);
  record.timing.checkpointMs = checkpointRun(run, core.epoch);
  run.sink?.append({ type: 'epoch', ...record });
  run.progress.epoch(epochLine(record, run.cfg.epochs));
  await run.callbacks.onEpochEnd?.(record, detail);
}

import type { LayerUnitStats } from '@sugar-lab/analysis';
import { evaluate, type EvalResult } from './evaluate';
import { checkpointRun } from './fit-resume';
import type { FitRun } from './fit-run';
import type { EpochDetail, EpochMetrics } from './metrics';
import { formatNumber } from './progress';

const now = () => performance.now();

/** An epoch's record before evaluation, probes and timing are added. */
export type EpochCore = Omit<EpochMetrics, 'evalSplit' | 'evalLoss' | 'evalAcc' | 'probes' | 'timing'>;

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
  // Before the checkpoint: every epoch a checkpoint holds is in TensorBoard's files, so a resumed run writes none again.
  run.tensorboard?.epoch(record, detail.units);
  record.timing.checkpointMs = checkpointRun(run, core.epoch);
  run.sink?.append({ type: 'epoch', ...record });
  run.progress.epoch(epochLine(record, run.cfg.epochs), record);
  await run.callbacks.onEpochEnd?.(record, detail);
}

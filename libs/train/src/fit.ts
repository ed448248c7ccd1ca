import type { tf } from '@sugar-lab/core';
import type { TrainConfig } from './config';
import type { TrainData } from './data';
import { finishEpoch, trainEpoch } from './fit-epoch';
import { resumeRun } from './fit-resume';
import { attachProbes, createRun, disposeRun, type FitRun } from './fit-run';
import { JsonlSink } from './jsonl';
import type { BatchInfo, EpochDetail, EpochMetrics, FitResult, FitStatus } from './metrics';
import { fitPacked } from './packed-fit';
import { trainsNatively } from './packed-native';
import type { ProgressStream } from './progress';

export interface FitCallbacks {
  /** After every optimizer step. */
  onBatchEnd?(info: BatchInfo): void | Promise<void>;
  /** After each epoch's record is logged and checkpointed (epoch 0 included). */
  onEpochEnd?(metrics: EpochMetrics, detail: EpochDetail): void | Promise<void>;
  onTrainEnd?(result: FitResult): void | Promise<void>;
}

/** The parts of a run that are not serializable config. */
export interface FitOptions {
  /** When aborted, the run finishes the current epoch (logged and checkpointed) and stops as 'interrupted'. */
  signal?: AbortSignal;
  callbacks?: FitCallbacks;
  /** Names of the layers to probe (e.g. activationLayerNames(model)); default: found by class. */
  activationLayers?: string[];
  /** Where progress goes (default process.stderr). */
  progressStream?: ProgressStream;
  /**
   * false: train op by op even where the fused native step would run (see trainsNatively). By default a plain MLP on
   * tensorflow with sugar-lab's kernels trains as a pack of one, whose weights reach `model` at the end of each
   * epoch; with an onBatchEnd callback (which may read the model) it trains op by op.
   */
  fused?: boolean;
  /**
   * Where warnings go (a corrupt checkpoint moved aside, a fallback to an older one, a restart from
   * epoch 0); default: a `warning: ...` line on stderr. They are also in the result's `warnings`.
   */
  onWarning?(message: string): void;
}

/** How a run's training ended (internal to fit and fitPacked). */
export interface Ending {
  status: FitStatus;
  error?: string;
}

/** Epoch 0 (before training) unless resumed, then each epoch in turn; never throws. */
async function trainEpochs(run: FitRun): Promise<Ending> {
  try {
    if (run.cfg.logPath)
      run.sink = new JsonlSink(
        run.cfg.logPath,
        run.epochs.map((e) => ({ type: 'epoch', ...e })),
      );
    if (run.epochs.length === 0) await finishEpoch(run, { epoch: 0, step: 0, lr: null, trainLoss: null, trainAcc: null }, 0);
    run.lastYield = performance.now();
    for (let epoch = run.epochs[run.epochs.length - 1].epoch + 1; epoch <= run.cfg.epochs; epoch++) {
      if (run.signal?.aborted) return { status: 'interrupted' };
      const outcome = await trainEpoch(run, epoch);
      if ('diverged' in outcome) return { status: 'diverged', error: outcome.diverged };
      await finishEpoch(run, outcome.core, outcome.trainMs);
    }
    return { status: 'completed' };
  } catch (err) {
    return { status: 'failed', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

/** The result, the log's end line and the progress summary; frees the run's tensors. */
export async function finishRun(run: FitRun, { status, error }: Ending): Promise<FitResult> {
  const final = run.epochs[run.epochs.length - 1];
  const result: FitResult = { status, epochs: run.epochs, final, step: run.step };
  if (error !== undefined) result.error = error;
  if (run.resumedFrom !== undefined) result.resumedFrom = run.resumedFrom;
  if (run.checkpoint !== undefined) result.checkpoint = run.checkpoint;
  if (run.warnings.length) result.warnings = run.warnings;
  try {
    run.sink?.append({ type: 'end', status, epoch: final?.epoch ?? 0, step: run.step, ...(error ? { error } : {}) });
  } catch {
    // The log is best effort once training has ended; the result still carries the status.
  }
  run.sink?.close();
  run.progress.done(`${status} after ${run.step} steps${error ? `: ${error}` : ''}`);
  disposeRun(run);
  await run.callbacks.onTrainEnd?.(result);
  return result;
}

/**
 * Trains `model` on `data` as `config` says: seeded shuffling, the configured optimizer and LR
 * schedule, evaluation and probes each epoch (epoch 0 = before training), a JSONL log and an
 * atomic, checksummed checkpoint after each epoch, and resume from the newest intact checkpoint.
 * Never throws for a failure during training: the result's status says what happened ('diverged'
 * on a non-finite loss, 'interrupted' after an abort, 'failed' with the error). Bad config or data,
 * or a checkpoint of another config, throw before training starts.
 */
export async function fit(model: tf.LayersModel, data: TrainData, config: TrainConfig, options: FitOptions = {}): Promise<FitResult> {
  if (options.fused !== false && !options.callbacks?.onBatchEnd && trainsNatively(model)) {
    return (await fitPacked(data, [{ model, config, options }]))[0];
  }
  const run = createRun(model, data, config, options);
  try {
    attachProbes(run, options.activationLayers);
    resumeRun(run);
  } catch (err) {
    disposeRun(run);
    throw err;
  }
  return finishRun(run, await trainEpochs(run));
}

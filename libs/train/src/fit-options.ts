import type { BatchInfo, EpochDetail, EpochMetrics, FitResult, FitStatus } from './metrics';
import type { ProgressStream } from './progress';

export interface FitCallbacks {
  /**
   * After every optimizer step.
   *
   * @param info the step: epoch, batch index within it, global step, loss and learning rate
   */
  onBatchEnd?(info: BatchInfo): void | Promise<void>;
  /**
   * After each epoch's record is logged and checkpointed (epoch 0 included).
   *
   * @param metrics the epoch's record as logged to metrics.jsonl: losses, accuracies, learning rate, probes
   * @param detail what the record leaves out, such as the probes' per-unit statistics
   */
  onEpochEnd?(metrics: EpochMetrics, detail: EpochDetail): void | Promise<void>;
  /**
   * Once, when the run ends however it ends (completed, diverged, interrupted); awaited before `fit` returns.
   *
   * @param result what `fit` is about to return: the status, the final record and the warnings
   */
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
   *
   * @param message the warning, one line, without a `warning:` prefix
   */
  onWarning?(message: string): void;
  /** What the TensorBoard log (config `tensorboardDir`) shows as the run's `config` text; default: the resolved train config. */
  tensorboardConfig?: unknown;
}

/** How a run's training ended (internal to the trainer). */
export interface Ending {
  status: FitStatus;
  error?: string;
  stack?: string;
}

import type { LayerUnitStats, ProbeRecord } from '@sugar-lab/analysis';

/** Wall-clock times of one epoch's parts, in milliseconds. Never part of a reproducibility comparison. */
export interface EpochTiming {
  trainMs: number;
  evalMs: number;
  probeMs: number;
  checkpointMs: number;
}

/** One epoch's record (epoch 0 is the measurement before training). */
export interface EpochMetrics {
  epoch: number;
  /** Optimizer steps done by the end of this epoch. */
  step: number;
  /** Learning rate of the epoch's last step (null for epoch 0). */
  lr: number | null;
  /** Mean training loss over the epoch's samples, in training mode, as the steps saw it (null for epoch 0). */
  trainLoss: number | null;
  trainAcc: number | null;
  evalSplit?: 'val' | 'test';
  evalLoss?: number;
  evalAcc?: number;
  probes?: ProbeRecord;
  timing: EpochTiming;
}

export type FitStatus = 'completed' | 'diverged' | 'interrupted' | 'failed';

export interface FitResult {
  status: FitStatus;
  /** Every epoch's record, epoch 0 first (restored ones included after a resume). */
  epochs: EpochMetrics[];
  /** The last record. */
  final: EpochMetrics | undefined;
  /** Optimizer steps done. */
  step: number;
  /** For 'failed', the error message; for 'diverged', where the loss stopped being finite. */
  error?: string;
  /** For 'failed', the error's stack (where it was thrown), when it had one. */
  stack?: string;
  /** The epoch the run continued from, when it resumed a checkpoint. */
  resumedFrom?: number;
  /** The newest checkpoint written or restored. */
  checkpoint?: string;
  /** What went wrong without stopping the run (a corrupt checkpoint moved aside, a fallback), when anything did. */
  warnings?: string[];
}

export interface BatchInfo {
  epoch: number;
  /** 1-based within the epoch. */
  batch: number;
  batches: number;
  /** Global optimizer steps done, this one included. */
  step: number;
  loss: number;
  lr: number;
}

export interface EpochDetail {
  /** Per-unit statistics of each probed layer (activation probabilities, dead masks), when probes ran. */
  units?: LayerUnitStats[];
}

/**
 * A record without its timing: what two runs that should be identical must agree on.
 *
 * @param m one epoch's record
 */
export function withoutTiming(m: EpochMetrics): Omit<EpochMetrics, 'timing'> {
  const { timing: _timing, ...rest } = m;
  return rest;
}

import type { EpochMeasured } from './fit-epoch';
import type { Ending } from './fit-options';
import type { FitRun } from './fit-run';
import type { FitResult } from './metrics';
import type { PackPlan } from './packed-plan';

/** One run of a unit as the trainer holds it: its state, its dense-chain plan where it packs, and how it ended. */
export interface Member {
  run: FitRun;
  plan?: PackPlan;
  ending?: Ending;
  result?: FitResult;
}

/** What one step of a unit returns per member: its batch loss, correct count and (where sampled) kernel-gradient norms. */
export interface PackStepResult {
  losses: Float32Array;
  rights: Float32Array;
  /** Per member, its kernel-gradient norms per layer (undefined when the step did not update). */
  norms?: Float32Array[];
}

/**
 * How a unit's members take an optimizer step: the trainer's loop is the same for all of them (in the spirit of
 * Keras' `train_step`), only this differs: op by op through tfjs (OpStep), stacked ([K, ...] weights), or the
 * fused native op (PackStep, with or without NativePack).
 */
export interface TrainStep {
  /** The members it trains, in its own order (results come back in this order). */
  readonly members: readonly Member[];
  /** One step of every member on its samples `idx[k]` of `epoch`; nothing is updated when any loss is not finite. */
  step(epoch: number, idx: Int32Array[], lrs: number[]): PackStepResult;
  /** Each member's weights and optimizer state into its model and Optimizer (what eval, probes and checkpoints read). */
  sync(): void;
  /**
   * Per member, whether its weights and optimizer state sum to a finite number: a cheap screen (one sum per
   * tensor, one read) that every NaN or infinity fails; nonFiniteState then names the tensor.
   */
  finiteSums(): boolean[];
  /** Evaluations and probe statistics the step computes itself at an epoch's end (else `{}`: finishEpoch measures). */
  measures(): EpochMeasured[];
  dispose(): void;
}

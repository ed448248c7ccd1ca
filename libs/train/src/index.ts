// The public API of @sugar-lab/train, by name: what is not listed here is internal to the lib.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.

// training: one model, several stacked, or a unit of either
export { fit } from './fit';
export type { FitCallbacks, FitOptions } from './fit-options';
export type { ProgressStream } from './progress';
export { fitPacked } from './packed-fit';
export { trainUnit, type TrainUnitOptions } from './train-unit';
export { evaluate, type EvalResult } from './evaluate';
export { withoutTiming, type BatchInfo, type EpochDetail, type EpochMetrics, type EpochTiming, type FitResult, type FitStatus } from './metrics';

// the training config
export {
  resolveTrainConfig,
  trainConfigIssues,
  type DataConfig,
  type EvalConfig,
  type OptimizerConfig,
  type ResolvedOptimizerConfig,
  type ResolvedTrainConfig,
  type ScheduleConfig,
  type TrainConfig,
  type WarmupConfig,
} from './config';

// data
export { dataSource, type DataSource, type LabeledBatch, type SplitKey, type TensorData, type TensorSplit, type TrainData } from './data';

// packing: several MLP runs as one stacked computation, natively where it can
export { packFields, planUnit, PACK_MAX_WIDTH, type PackMember, type UnitPlan } from './pack-policy';
export type { PackStepResult } from './step';
export { nativeStepOf, trainsNatively, type NativeStep } from './packed-native';
export type { PackedLayer, PackPlan } from './packed-plan';

// one optimizer step (benchmarks)
export { trainStep, type StepOutcome } from './train-step';
export { Optimizer, type ParamSpec, type SlotTensor } from './optimizers';

// checkpoints
export { latestCheckpoint, loadCheckpoint, type CheckpointManifest, type LoadedCheckpoint, type NamedTensorData, type TensorEntry } from './checkpoint';
export { loadLatestIntactCheckpoint, type IntactCheckpoint } from './checkpoint-recovery';

// JSON and JSONL that keep NaN and Infinity (metrics.jsonl, summaries)
export { fromJsonLine, fromJsonText, readJsonl, toJsonLine, toJsonText } from './jsonl';

// stopping on a signal
export { interruptOnSigint, interruptOnSignals, type InterruptHandle, type InterruptOptions, type StopSignal } from './interrupt';

// errors
export { CheckpointCorruptError, CheckpointError, TrainConfigError, TrainDataError, TrainError } from './errors';
export { PackError } from './packed-plan';

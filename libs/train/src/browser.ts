// The public API of @sugar-lab/train in a browser, by name (package.json's "browser" export): fit and everything
// it trains with; fit takes no paths there (no checkpoints, metrics log or TensorBoard files: it says so). Node's
// entry (index.ts) adds those files and signal handling. src/browser.test.ts snapshots this list (api-browser.txt).

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

// JSON that keeps NaN and Infinity (summaries, metrics lines)
export { fromJsonLine, fromJsonText, toJsonLine, toJsonText } from './json-text';

// errors
export { CheckpointCorruptError, CheckpointError, TrainConfigError, TrainDataError, TrainError } from './errors';
export { PackError } from './packed-plan';

// The public API of @sugar-lab/analysis, by name: what is not listed here is internal to the lib.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.

// unit statistics of one layer's pre- and post-activations
export {
  activationProbability,
  deadUnitFraction,
  deadUnitMask,
  newlyDeadCount,
  positiveCounts,
  preactivationMoments,
  resurrectedCount,
  sparsity,
} from './units';

// probes of a model's activation layers during training
export { findActivationLayers } from './activation-layers';
export { ActivationProbe, type ActivationProbeOptions, type LayerUnitStats } from './activation-probe';
export { ProbeSuite, type LayerProbeSummary, type ProbeConfig, type ProbeRecord, type ProbeState } from './probe-suite';
export { GradientNormMeter } from './gradient-norms';

// statistics over seeds
export {
  ci95,
  confidenceInterval,
  mean,
  median,
  pairedTTest,
  standardError,
  std,
  variance,
  type Alternative,
  type ConfidenceInterval,
  type TTestResult,
} from './stats';
export { fractionInterval, wilsonInterval, type FractionIntervalOptions, type ProportionInterval } from './proportion';
export { erfc, logGamma, normalCdf, regularizedIncompleteBeta, studentTCdf, studentTQuantile } from './special';

// loss landscape
export {
  LandscapeEvaluator,
  type GradientOracle,
  type LandscapeData,
  type LandscapeEvaluatorOptions,
  type LandscapeLossFn,
  type LossAccuracy,
} from './landscape/evaluator';
export { lossSurface, type LandscapeSurface, type SurfaceOptions } from './landscape/surface';
export { interpolateLoss, type InterpolationOptions, type InterpolationResult } from './landscape/interpolate';
export { sharpness, type SharpnessOptions, type SharpnessResult } from './landscape/sharpness';
export { hessianEigenvalues, topHessianEigenvalue, type EigenEstimate, type HessianOptions, type HessianSpectrum } from './landscape/hessian';
export { snapshotWeights, type WeightSelection } from './landscape/weights';
export type { ParamVector } from './landscape/param-vector';

// errors
export { AnalysisError, ProbeError, StatisticsError } from './errors';
export { LandscapeError, NonFiniteLossError } from './landscape/errors';

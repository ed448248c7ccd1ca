export { LandscapeError, NonFiniteLossError } from './errors';
export { vdot, vnorm, vcombine, vscale, vsize, nonZeroMask, type ParamVector } from './param-vector';
export { modelVariables, snapshotWeights, snapshotVariables, assignVariables, type WeightSelection } from './weights';
export { withReluGradients } from './relu-gradients';
export {
  LandscapeEvaluator,
  type LandscapeData,
  type LandscapeLossFn,
  type LandscapeEvaluatorOptions,
  type GradientOracle,
  type LossAccuracy,
} from './evaluator';
export { filterNorms, filterNormalize, randomDirection, filterNormalizedDirection, type DirectionOptions } from './directions';
export { linspace } from './grid';
export { lossSurface, type SurfaceOptions, type LandscapeSurface } from './surface';
export { interpolateLoss, type InterpolationOptions, type InterpolationResult } from './interpolate';
export { sharpness, type SharpnessOptions, type SharpnessResult } from './sharpness';
export { tridiagonalEigenvalues } from './tridiagonal';
export { hessianVectorProduct, hessianEigenvalues, topHessianEigenvalue, type HessianOptions, type HessianSpectrum, type EigenEstimate } from './hessian';

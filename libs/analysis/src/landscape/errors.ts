import { AnalysisError } from '../errors';

/** A landscape measurement was asked of inputs it cannot use (mismatched weight sets, bad grid, empty data). */
export class LandscapeError extends AnalysisError {
  override name = 'LandscapeError';
}

/**
 * The loss (or its gradient) was not finite near the weights, so a curvature estimate has no value there:
 * callers that measure many runs record NaN for this one rather than stop.
 */
export class NonFiniteLossError extends LandscapeError {
  override name = 'NonFiniteLossError';
}

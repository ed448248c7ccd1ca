/** Base class of every error @sugar-lab/analysis throws: `catch (e) { if (e instanceof AnalysisError) ... }`. */
export class AnalysisError extends Error {
  override name = 'AnalysisError';
}

/** A statistic was asked of data it is not defined for (too few values, unequal pairs, non-finite values). */
export class StatisticsError extends AnalysisError {
  override name = 'StatisticsError';
}

/** A probe could not be set up for a model (no activation layers found, unknown layer name, bad probe set). */
export class ProbeError extends AnalysisError {
  override name = 'ProbeError';
}

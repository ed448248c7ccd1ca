/** A statistic was asked of data it is not defined for (too few values, unequal pairs, non-finite values). */
export class StatisticsError extends Error {
  override name = 'StatisticsError';
}

/** A probe could not be set up for a model (no activation layers found, unknown layer name, bad probe set). */
export class ProbeError extends Error {
  override name = 'ProbeError';
}

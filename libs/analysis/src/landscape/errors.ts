/** A landscape measurement was asked of inputs it cannot use (mismatched weight sets, bad grid, empty data). */
export class LandscapeError extends Error {
  override name = 'LandscapeError';
}

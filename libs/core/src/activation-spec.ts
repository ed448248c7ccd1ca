/**
 * The one activation vocabulary used by models, specs, result tables and plots.
 *
 * - `{ kind: 'relu' }`: plain ReLU (true derivative).
 * - `{ kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 }, region?: 'all' | 'negative' }`:
 *   ReLU forward, the surrogate's derivative backward.
 * - `{ kind: NAME, alpha? }` for any registered surrogate NAME (`gelu`, `elu`, `bsilu`, ...): that
 *   smooth function used as the forward activation (a baseline).
 */
export interface SurrogateSpec {
  name: string;
  alpha?: number;
}

export type SugarRegion = 'all' | 'negative';

export type ActivationSpec = { kind: 'relu' } | { kind: 'sugar'; surrogate: SurrogateSpec; region?: SugarRegion } | { kind: string; alpha?: number };

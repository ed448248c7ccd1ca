import { canonicalHash } from '@sugar-lab/core';

// The canonical form and its hash live in core (shared with train's checkpoints); re-exported for this lib's API.
export { canonicalHash, canonicalJSON } from '@sugar-lab/core';

/** A run's id: the first 12 hex digits of the SHA-256 of its resolved config. */
export function runId(config: unknown): string {
  return canonicalHash(config).slice(0, 12);
}

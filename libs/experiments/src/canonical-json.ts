import { canonicalHash } from '@sugar-lab/core';

/** A run's id: the first 12 hex digits of the SHA-256 of its resolved config. */
export function runId(config: unknown): string {
  return canonicalHash(config).slice(0, 12);
}

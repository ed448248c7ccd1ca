import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal configs serialize identically. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** The SHA-256 (hex) of a value's canonical JSON: the one content hash of configs and specs. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJSON(value)).digest('hex');
}

/** A run's id: the first 12 hex digits of the SHA-256 of its resolved config. */
export function runId(config: unknown): string {
  return canonicalHash(config).slice(0, 12);
}

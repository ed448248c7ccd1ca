import { sha256Hex } from './sha256';

/**
 * JSON with object keys sorted at every level and undefined fields left out, so equal configs serialize
 * identically: the one canonical form behind run ids, spec hashes and checkpoints' config and manifest hashes
 * (changing a byte of it changes every id and hash already on disk).
 *
 * @param value any JSON-serializable value
 */
export function canonicalJSON(value: unknown): string {
  // JSON.stringify(undefined) is undefined; 'null' as an array element would be.
  return JSON.stringify(sortKeys(value)) ?? 'null';
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

/**
 * The SHA-256 (hex) of a value's canonical JSON: the one content hash of configs and specs.
 *
 * @param value any JSON-serializable value
 */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJSON(value));
}

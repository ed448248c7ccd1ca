import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal configs give equal strings. */
export function stableStringify(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
  if (Array.isArray(x)) return `[${x.map(stableStringify).join(',')}]`;
  const o = x as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

/** sha256 (hex) of the stable JSON form. */
export function hashJson(x: unknown): string {
  return createHash('sha256').update(stableStringify(x)).digest('hex');
}

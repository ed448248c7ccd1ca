import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJSON } from './canonical-json';

describe('canonicalJSON', () => {
  it('sorts keys at every level, drops undefined fields and keeps array order', () => {
    expect(canonicalJSON({ b: 1, a: [3, { d: undefined, c: null }, 1], e: { y: 'x', x: true } })).toBe('{"a":[3,{"c":null},1],"b":1,"e":{"x":true,"y":"x"}}');
  });

  it('writes undefined as null where JSON would (array elements, the value itself)', () => {
    expect(canonicalJSON([undefined, 1])).toBe('[null,1]');
    expect(canonicalJSON(undefined)).toBe('null');
  });

  it('hashes the canonical text with SHA-256, independent of key order', () => {
    const text = '{"a":1,"b":[2]}';
    expect(canonicalHash({ b: [2], a: 1 })).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

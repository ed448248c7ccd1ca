import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256';

const nodeSha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('sha256Hex', () => {
  it('gives the standard test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it("equals node:crypto's digest at every length around the block boundaries, and for non-ASCII text", () => {
    for (let n = 0; n < 200; n++) {
      const s = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7 + n) % 95))).join('');
      expect(sha256Hex(s), `length ${n}`).toBe(nodeSha(s));
    }
    for (const s of ['é', '{"a":"λ→😀"}', 'x'.repeat(100_000)]) expect(sha256Hex(s)).toBe(nodeSha(s));
  });
});

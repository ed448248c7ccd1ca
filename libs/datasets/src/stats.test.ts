import { describe, expect, it } from 'vitest';
import { channelStats } from './stats';

describe('channelStats', () => {
  it('uint8 histogram statistics equal direct two-pass statistics', () => {
    const x = Uint8Array.from({ length: 3 * 500 }, (_, k) => (k * 37 + (k % 3) * 90) % 256);
    const s = channelStats(x, [10, 50, 3], 1 / 255);
    for (let c = 0; c < 3; c++) {
      const v = [...x].filter((_, k) => k % 3 === c).map((b) => b / 255);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
      expect(s.mean[c]).toBeCloseTo(m, 12);
      expect(s.std[c]).toBeCloseTo(sd, 12);
    }
  });

  it('float features use the last axis as channels', () => {
    const s = channelStats(Float32Array.from([1, 10, 3, 30]), [2], 1);
    expect(s.mean).toEqual([2, 20]);
    expect(s.std).toEqual([1, 10]);
  });
});

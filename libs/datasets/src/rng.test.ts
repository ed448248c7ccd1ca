import { describe, expect, it } from 'vitest';
import { hashSeed, Rng } from './rng';

// Reference values from an independent Python implementation of cyrb128 + sfc32 (see the report).
describe('Rng', () => {
  it('matches the reference cyrb128 seeding and sfc32 stream', () => {
    expect(hashSeed(42)).toEqual([3882022126, 2817714697, 1158193178, 2443981670]);
    const r = new Rng(42);
    expect([r.uint32(), r.uint32(), r.uint32(), r.uint32(), r.uint32()]).toEqual([123803564, 1579388456, 4241456508, 3869353480, 2906282843]);
    expect(r.next()).toBe(0.024982944616013247);
    expect(hashSeed(0, 'shuffle', 3)).toEqual([3773047195, 1563004970, 918783436, 2408455912]);
    const s = new Rng(0, 'shuffle', 3);
    expect([s.uint32(), s.uint32(), s.uint32(), s.uint32(), s.uint32()]).toEqual([3572665332, 3618381734, 2984698493, 1242565606, 2459152314]);
    expect(s.next()).toBe(0.7030193436132904);
  });

  it('draws Box-Muller normals in pairs, as the reference does', () => {
    const r = new Rng(1);
    expect(r.normal()).toBe(0.853088881989397);
    expect(r.normal()).toBe(0.5810783253527183);
  });

  it('separates streams and seeds', () => {
    expect(new Rng(1).uint32()).not.toBe(new Rng(2).uint32());
    expect(new Rng(1, 'a').uint32()).not.toBe(new Rng(1, 'b').uint32());
    // A number and its string form are different seeds.
    expect(new Rng(1).uint32()).not.toBe(new Rng('1').uint32());
  });

  it('int(n) stays in range and is roughly uniform', () => {
    const r = new Rng(7);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400); // > 4 sigma
    expect(() => r.int(0)).toThrow(RangeError);
  });

  it('normal() has mean 0 and variance 1', () => {
    const r = new Rng(3);
    let s = 0;
    let q = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      q += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.025);
    expect(Math.abs(q / n - 1)).toBeLessThan(0.04);
  });

  it('permutation() is a permutation and depends on the seed', () => {
    const p = new Rng(5).permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...new Rng(5).permutation(1000)]).toEqual([...p]);
    expect([...new Rng(6).permutation(1000)]).not.toEqual([...p]);
  });
});

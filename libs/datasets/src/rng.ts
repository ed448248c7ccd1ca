/**
 * A small seeded PRNG (sfc32, seeded by hashing the seed and a stream label with cyrb128) that gives
 * the same numbers on every platform: only 32-bit integer arithmetic, and the few transcendental
 * functions in `normal()` come from V8's fdlibm port, which is bit-identical across operating systems.
 * Keyed streams (`new Rng(seed, 'shuffle', epoch)`) make every consumer independent of how many numbers
 * the others drew, which is what makes a resumed run see the same batches.
 */
export type SeedPart = number | string;

/** 128 bits of hash from the seed parts (cyrb128 over a canonical string form). */
export function hashSeed(...parts: SeedPart[]): [number, number, number, number] {
  const str = parts.map((p) => (typeof p === 'number' ? `n${String(p)}` : `s${p}`)).join('\u0000');
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  /**
   * A generator for `seed` and an optional stream label (`new Rng(7, 'augment', epoch, index)`).
   *
   * @param seed the base seed, a number or a string; the same seed and stream give the same sequence everywhere
   * @param stream further labels hashed with the seed, so independent uses of one seed draw independent sequences
   */
  constructor(seed: SeedPart, ...stream: SeedPart[]) {
    [this.a, this.b, this.c, this.d] = hashSeed(seed, ...stream);
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** Next 32-bit unsigned integer (sfc32). */
  uint32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Uniform in [lo, hi).
   *
   * @param lo the lower bound, included (default 0)
   * @param hi the upper bound, excluded (default 1)
   */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /**
   * Uniform integer in [0, n), without modulo bias (n <= 2^32).
   *
   * @param n how many values to draw from: an integer in [1, 2^32]; a RangeError otherwise
   */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296 && Number.isInteger(n))) throw new RangeError(`Rng.int: expected an integer n in [1, 2^32], found ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = this.uint32();
      if (u < limit) return u % n;
    }
  }

  /**
   * A normal draw, standard by default (Box-Muller; the second value of each pair is kept for the next call).
   *
   * @param mean the distribution's mean (default 0)
   * @param std the distribution's standard deviation (default 1)
   */
  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    const u1 = 1 - this.next(); // (0, 1]: log(u1) is finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /**
   * A uniformly random permutation of 0..n-1 (Fisher-Yates).
   *
   * @param n the length of the permutation, a non-negative integer
   */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * Shuffles in place (Fisher-Yates) and returns the same array.
   *
   * @param arr any array or typed array; its elements are reordered in place
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }
}

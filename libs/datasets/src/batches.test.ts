import { initBackend, tf } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble } from './assemble';
import { batches, epochOrder, makeBatch, numBatches, toTensors } from './batches';
import { DatasetOptionError } from './errors';
import { loadDataset } from './load';
import { channelStats } from './stats';
import type { Split } from './types';

beforeAll(async () => {
  await initBackend('cpu', { quiet: true });
});

/** A small uint8 image split: 13 images of 4x5x2 with pixel value (i * 31 + k) mod 256. */
function imageSplit(n = 13, shape = [4, 5, 2]): Split {
  const S = shape.reduce((a, b) => a * b, 1);
  const x = Uint8Array.from({ length: n * S }, (_, k) => (Math.floor(k / S) * 31 + (k % S)) % 256);
  return {
    name: 'train',
    x,
    y: Int32Array.from({ length: n }, (_, i) => i % 3),
    shape,
    length: n,
    numClasses: 3,
    scale: 1 / 255,
    stats: channelStats(x, shape, 1 / 255),
    sourceIndices: Int32Array.from({ length: n }, (_, i) => i),
  };
}

function collect(split: Split, opts: Parameters<typeof batches>[1]) {
  const out: { indices: number[]; xs: Float32Array; ys: Float32Array; shape: number[] }[] = [];
  for (const b of batches(split, opts)) {
    out.push({ indices: [...b.indices], xs: b.xs.dataSync() as Float32Array, ys: b.ys.dataSync() as Float32Array, shape: b.xs.shape });
    b.xs.dispose();
    b.ys.dispose();
  }
  return out;
}

describe('batches', () => {
  it('yields every index exactly once per epoch, with a new order each epoch', () => {
    const s = imageSplit(13);
    const orders: number[][] = [];
    for (const epoch of [0, 1, 2]) {
      const got = collect(s, { batchSize: 4, seed: 9, epoch });
      expect(got.map((b) => b.indices.length)).toEqual([4, 4, 4, 1]);
      const all = got.flatMap((b) => b.indices);
      expect([...all].sort((a, b) => a - b)).toEqual([...Array(13).keys()]);
      orders.push(all);
    }
    expect(orders[0]).not.toEqual(orders[1]);
    expect(orders[1]).not.toEqual(orders[2]);
    expect(collect(s, { batchSize: 4, seed: 9, epoch: 1 }).flatMap((b) => b.indices)).toEqual(orders[1]);
    expect(collect(s, { batchSize: 4, seed: 10, epoch: 1 }).flatMap((b) => b.indices)).not.toEqual(orders[1]);
  });

  it('drops the last partial batch on request; shuffle: false keeps file order', () => {
    const s = imageSplit(13);
    expect(collect(s, { batchSize: 4, dropLast: true }).map((b) => b.indices.length)).toEqual([4, 4, 4]);
    expect(numBatches(s, 4, true)).toBe(3);
    expect(numBatches(13, 4)).toBe(4);
    expect(collect(s, { batchSize: 5, shuffle: false }).map((b) => b.indices)).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
      [10, 11, 12],
    ]);
  });

  it('resumes at (epoch, batch) with exactly the batches an uninterrupted run sees', () => {
    const s = imageSplit(13);
    const opts = { batchSize: 3, seed: 4, epoch: 2, augment: true, normalize: true } as const;
    const full = collect(s, opts);
    const resumed = collect(s, { ...opts, startBatch: 2 });
    expect(resumed).toEqual(full.slice(2));
    expect(collect(s, { ...opts, startBatch: full.length })).toEqual([]);
    expect(() => collect(s, { ...opts, startBatch: full.length + 1 })).toThrow(DatasetOptionError);
  });

  it('converts to float per batch: scaled, normalized per channel, one-hot labels', () => {
    const s = imageSplit(6);
    const [b] = collect(s, { batchSize: 6, shuffle: false, normalize: true });
    expect(b.shape).toEqual([6, 4, 5, 2]);
    // Reference: per-channel statistics over the whole split, computed here with plain loops.
    const vals: number[][] = [[], []];
    s.x.forEach((v, k) => vals[k % 2].push(v / 255));
    const mean = vals.map((v) => v.reduce((a, c) => a + c, 0) / v.length);
    const std = vals.map((v, c) => Math.sqrt(v.reduce((a, x) => a + (x - mean[c]) ** 2, 0) / v.length));
    for (const k of [0, 1, 17, 38, 239]) expect(b.xs[k]).toBeCloseTo((s.x[k] / 255 - mean[k % 2]) / std[k % 2], 5);
    expect(Array.from(b.ys.subarray(0, 9))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const [raw] = collect(s, { batchSize: 6, shuffle: false });
    expect(raw.xs[17]).toBeCloseTo(s.x[17] / 255, 6);
  });

  it('augments with seeded crop-with-padding and flips that match a direct reference', () => {
    const s = imageSplit(40, [6, 6, 1]);
    const opts = { augment: { crop: 2, flip: true }, seed: 3, epoch: 1 };
    const out = assemble(s, [...Array(40).keys()], opts);
    // Every sample must equal one of the 5 x 5 x 2 candidate crops/flips of its padded source image.
    let flipped = 0;
    let shifted = 0;
    for (let i = 0; i < 40; i++) {
      const src = (y: number, x: number) => (y >= 0 && y < 6 && x >= 0 && x < 6 ? s.x[i * 36 + y * 6 + x] / 255 : 0);
      const got = Array.from(out.subarray(i * 36, (i + 1) * 36));
      const match: [number, number, boolean][] = [];
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++)
          for (const flip of [false, true]) {
            const want = [];
            for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) want.push(src(y + dy, (flip ? 5 - x : x) + dx));
            if (want.every((w, k) => Math.abs(w - got[k]) < 1e-6)) match.push([dy, dx, flip]);
          }
      expect(match.length).toBeGreaterThan(0);
      if (match.every((m) => m[2])) flipped++;
      if (match.every((m) => m[0] !== 0 || m[1] !== 0)) shifted++;
    }
    expect(flipped).toBeGreaterThan(5);
    expect(shifted).toBeGreaterThan(20);
    // Same (seed, epoch, sample) gives the same augmentation whatever the batch it lands in.
    const again = assemble(s, [7, 3], opts);
    expect(Array.from(again.subarray(0, 36))).toEqual(Array.from(out.subarray(7 * 36, 8 * 36)));
    expect(Array.from(assemble(s, [7], { ...opts, epoch: 2 }))).not.toEqual(Array.from(again.subarray(0, 36)));
    // Off by default.
    expect(Array.from(assemble(s, [7]))).toEqual(Array.from(s.x.subarray(7 * 36, 8 * 36), (v) => Math.fround(v / 255)));
  });

  it('refuses augmentation of feature vectors', async () => {
    const ds = await loadDataset('moons', { nTrain: 10, nTest: 2 });
    expect(() => collect(ds.train, { batchSize: 4, augment: true })).toThrow(/image samples/);
  });

  it('leaves no tensors behind once the caller disposes the batch', () => {
    const s = imageSplit(13);
    const before = tf.memory().numTensors;
    collect(s, { batchSize: 4, augment: true, normalize: true });
    const b = makeBatch(s, Int32Array.from([1, 2]), { oneHot: false });
    expect(b.ys.dtype).toBe('int32');
    expect(Array.from(b.ys.dataSync())).toEqual([1, 2]);
    tf.dispose([b.xs, b.ys]);
    const t = toTensors(s);
    expect(t.xs.shape).toEqual([13, 4, 5, 2]);
    expect(t.ys.shape).toEqual([13, 3]);
    tf.dispose([t.xs, t.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('epochOrder is a seeded permutation', () => {
    expect([...epochOrder(5, { shuffle: false })]).toEqual([0, 1, 2, 3, 4]);
    expect([...epochOrder(50, { seed: 1, epoch: 3 })]).toEqual([...epochOrder(50, { seed: 1, epoch: 3 })]);
  });
});

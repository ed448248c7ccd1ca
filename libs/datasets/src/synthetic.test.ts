import * as crypto from 'node:crypto';
import { initBackend, tf } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatasetOptionError } from './errors';
import { loadDataset } from './load';
import { createTeacher } from './teacher';

const hash = (a: ArrayBufferView) =>
  crypto
    .createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex')
    .slice(0, 16);

beforeAll(async () => {
  await initBackend('cpu', { quiet: true });
});

const SETS = ['spirals', 'moons', 'blobs', 'xor', 'checkerboard', 'teacher'];

describe('synthetic datasets', () => {
  it('are bit-identical for a seed, different across seeds, and float32', async () => {
    for (const name of SETS) {
      const a = await loadDataset(name, { seed: 11, nTrain: 200, nTest: 50 });
      const b = await loadDataset(name, { seed: 11, nTrain: 200, nTest: 50 });
      const c = await loadDataset(name, { seed: 12, nTrain: 200, nTest: 50 });
      expect(a.train.x).toBeInstanceOf(Float32Array);
      expect(a.train.x.length).toBe(200 * a.shape[0]);
      expect(a.test.length).toBe(50);
      expect(hash(a.train.x)).toBe(hash(b.train.x));
      expect(hash(a.train.y)).toBe(hash(b.train.y));
      expect(hash(a.test.x)).toBe(hash(b.test.x));
      expect(hash(a.train.x)).not.toBe(hash(c.train.x));
      expect(hash(a.train.x)).not.toBe(hash(a.test.x));
      expect(Math.max(...a.train.y)).toBe(a.numClasses - 1);
    }
  });

  // Pinned bytes: a change here means every seeded experiment would see different data.
  it('match pinned digests (guards against silent changes of the generators)', async () => {
    const got: Record<string, string> = {};
    for (const name of SETS) {
      const ds = await loadDataset(name, { seed: 1, nTrain: 64, nTest: 8 });
      got[name] = `${hash(ds.train.x)}:${hash(ds.train.y)}`;
    }
    expect(got).toMatchInlineSnapshot(`
      {
        "blobs": "bb661442ab535e39:2d92719d09918ca1",
        "checkerboard": "99c1eb845e57a3e5:385d57f7a07fc949",
        "moons": "87b3656da735b9fd:b1fdabf0c354fe8b",
        "spirals": "c42166b8cdbe9dd8:2d92719d09918ca1",
        "teacher": "02846b382a669628:1f8b3456a97a899f",
        "xor": "82783aec4213a8aa:d5287474b07dd2dc",
      }
    `);
  });

  it('moons without noise lie on their half circles; spirals keep their arm radius', async () => {
    const m = await loadDataset('moons', { noise: 0, nTrain: 100, nTest: 1 });
    for (let i = 0; i < 100; i++) {
      const [x, y] = [m.train.x[2 * i], m.train.x[2 * i + 1]];
      const r = m.train.y[i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      expect(r).toBeCloseTo(1, 5);
      expect(m.train.y[i] === 0 ? y >= 0 : y <= 0.5).toBe(true);
    }
    const s = await loadDataset('spirals', { noise: 0, classes: 4, nTrain: 40, nTest: 1 });
    expect(s.numClasses).toBe(4);
    for (let i = 0; i < 40; i++) expect(s.train.y[i]).toBe(i % 4);
  });

  it('xor and checkerboard labels follow the sign / cell rule', async () => {
    const x = await loadDataset('xor', { nTrain: 300, nTest: 1 });
    for (let i = 0; i < 300; i++) expect(x.train.y[i]).toBe(x.train.x[2 * i] > 0 !== x.train.x[2 * i + 1] > 0 ? 1 : 0);
    const c = await loadDataset('checkerboard', { cells: 3, nTrain: 300, nTest: 1 });
    for (let i = 0; i < 300; i++) {
      const ix = Math.floor(((c.train.x[2 * i] + 1) / 2) * 3);
      const iy = Math.floor(((c.train.x[2 * i + 1] + 1) / 2) * 3);
      expect(c.train.y[i]).toBe((ix + iy) % 2);
    }
  });

  it('blobs cluster around shared centres in train and test', async () => {
    const b = await loadDataset('blobs', { classes: 3, dim: 4, std: 0.01, nTrain: 30, nTest: 30 });
    expect(b.shape).toEqual([4]);
    for (let i = 0; i < 30; i++) for (let d = 0; d < 4; d++) expect(Math.abs(b.train.x[i * 4 + d] - b.test.x[i * 4 + d])).toBeLessThan(0.1); // same class i % 3, same centre
  });

  it('teacher labels equal argmax of the same network run by tf.js', async () => {
    const opts = { dim: 6, depth: 3, width: 16, classes: 4 };
    const ds = await loadDataset('teacher', { ...opts, seed: 5, nTrain: 500, nTest: 10 });
    const t = createTeacher(opts, 5);
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() => {
      let h: tf.Tensor = tf.tensor2d(ds.train.x, [500, 6]);
      t.layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, tf.tensor2d(Float32Array.from(l.w), [l.inDim, l.outDim])), tf.tensor1d(Float32Array.from(l.b)));
        if (i < t.layers.length - 1) h = tf.relu(h);
      });
      return h;
    });
    const z = logits.arraySync() as number[][];
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    let agree = 0;
    let decided = 0;
    z.forEach((row, i) => {
      const sorted = [...row].sort((a, b) => b - a);
      if (sorted[0] - sorted[1] < 1e-4) return; // float32 vs float64 may break near-ties differently
      decided++;
      if (row.indexOf(sorted[0]) === ds.train.y[i]) agree++;
    });
    expect(decided).toBeGreaterThan(450);
    expect(agree).toBe(decided);
    expect(new Set(ds.train.y).size).toBeGreaterThan(1);
  });

  it('reject unknown or malformed options, naming the dataset', async () => {
    await expect(loadDataset('moons', { classes: 3 })).rejects.toThrow(/moons.*option classes: expected one of nTrain, nTest, noise/);
    await expect(loadDataset('spirals', { classes: 1 })).rejects.toBeInstanceOf(DatasetOptionError);
    await expect(loadDataset('spirals', { nTrain: 2.5 })).rejects.toThrow(/integer >= 1/);
    await expect(loadDataset('mnist', { noise: 0.1 })).rejects.toThrow(/takes none/);
    await expect(loadDataset('cifar100', { labels: 'medium' as 'fine' })).rejects.toThrow(/'fine' or 'coarse'/);
  });
});

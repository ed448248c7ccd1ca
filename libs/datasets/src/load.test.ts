import { describe, expect, it } from 'vitest';
import { UnknownDatasetError } from './errors';
import { loadDataset } from './load';
import { datasetInfo, listDatasets, registerDataset } from './registry';
import { channelStats } from './stats';
import { mnistFiles, useFixtureCache } from './test-utils/fixtures';

const cache = useFixtureCache();

describe('loadDataset / listDatasets', () => {
  it('lists every dataset with metadata and pinned files', () => {
    const all = listDatasets();
    expect(all.map((d) => d.name)).toEqual([
      'mnist',
      'fashion-mnist',
      'kmnist',
      'cifar10',
      'cifar100',
      'spirals',
      'moons',
      'blobs',
      'xor',
      'checkerboard',
      'teacher',
    ]);
    for (const d of all) {
      expect(d.classNames).toHaveLength(d.numClasses);
      if (d.kind === 'image') {
        expect(d.files.length).toBeGreaterThan(0);
        for (const f of d.files) {
          expect(f.sha256 || f.md5).toBeTruthy();
          expect(f.urls.length).toBeGreaterThan(0);
        }
      } else expect(d.files).toEqual([]);
    }
    expect(datasetInfo('cifar10').files[0]).toMatchObject({ name: 'cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530', size: 170052171 });
    expect(datasetInfo('kmnist').files.every((f) => f.md5 && !f.sha256)).toBe(true);
  });

  it('names the known datasets for an unknown name', async () => {
    const e = await loadDataset('imagenet').catch((x) => x);
    expect(e).toBeInstanceOf(UnknownDatasetError);
    expect(e.message).toContain('cifar10');
  });

  it('carves a seeded validation split that is disjoint from train and covers the source', async () => {
    const a = await loadDataset('spirals', { seed: 2, nTrain: 100, nTest: 20, validation: 0.2 });
    expect(a.validation!.length).toBe(20);
    expect(a.train.length).toBe(80);
    const all = [...a.train.sourceIndices, ...a.validation!.sourceIndices].sort((x, y) => x - y);
    expect(all).toEqual([...Array(100).keys()]);
    const full = await loadDataset('spirals', { seed: 2, nTrain: 100, nTest: 20 });
    // Each validation sample is the source sample it names.
    a.validation!.sourceIndices.forEach((src, k) => {
      expect(a.validation!.x[2 * k]).toBe(full.train.x[2 * src]);
      expect(a.validation!.y[k]).toBe(full.train.y[src]);
    });
    const b = await loadDataset('spirals', { seed: 2, nTrain: 100, nTest: 20, validation: 20 });
    expect([...b.validation!.sourceIndices]).toEqual([...a.validation!.sourceIndices]);
    // Normalization statistics come from the remaining train split only.
    expect(a.stats).toEqual(channelStats(a.train.x, a.shape, 1));
    expect(a.test.stats).toBe(a.stats);
    await expect(loadDataset('spirals', { nTrain: 10, validation: 10 })).rejects.toThrow(/validation/);
  });

  it('limits the source splits for quick runs and records the resolved options', async () => {
    cache.register('mnist', mnistFiles(8, 4), { write: cache.dir });
    const ds = await loadDataset('mnist', { offline: true, limit: { train: 5, test: 2 }, validation: 2, seed: 1 });
    expect([ds.train.length, ds.validation!.length, ds.test.length]).toEqual([3, 2, 2]);
    expect(ds.train.x.length).toBe(3 * 784);
    expect(ds.options).toMatchObject({ seed: 1, validation: 2, limit: { train: 5, test: 2 } });
    expect(ds.stats.mean).toHaveLength(1);
  });

  it('accepts registered datasets with their own options', async () => {
    registerDataset({
      info: {
        name: 'ramp',
        title: 'Ramp',
        kind: 'synthetic',
        description: 'test',
        shape: [1],
        numClasses: 2,
        classNames: ['a', 'b'],
        trainSize: 4,
        testSize: 2,
        defaults: { slope: 1 },
      },
      load: (p) => ({
        train: { x: Float32Array.from([0, 1, 2, 3], (v) => v * (p.slope as number)), y: Int32Array.from([0, 0, 1, 1]) },
        test: { x: Float32Array.from([0, 3]), y: Int32Array.from([0, 1]) },
        shape: [1],
        numClasses: 2,
        classNames: ['a', 'b'],
      }),
    });
    const ds = await loadDataset('ramp', { params: { slope: 2 } });
    expect([...ds.train.x]).toEqual([0, 2, 4, 6]);
    expect(() => registerDataset({ ...datasetInfoDef() })).toThrow(/already registered.*override: true/);
  });

  it('replaces a registration with { override: true }, the option every registry takes', () => {
    const def = (title: string) => ({ info: { ...datasetInfo('moons'), name: 'moons-again', title }, load: () => Promise.reject(new Error('unused')) });
    registerDataset(def('first'));
    expect(() => registerDataset(def('second'))).toThrow(/already registered/);
    registerDataset(def('second'), { override: true });
    expect(datasetInfo('moons-again').title).toBe('second');
  });
});

function datasetInfoDef() {
  return { info: { ...datasetInfo('moons') }, load: () => Promise.reject(new Error('unused')) };
}

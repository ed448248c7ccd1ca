import { optionIssues } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { datasetInfo, datasetNames, datasetOptionIssues, datasetOptions, loadDataset, registerDataset } from './index';

const reasons = (name: string, opts: Record<string, unknown>) => datasetOptionIssues(name, opts).map((i) => `${i.path.join('.')}: ${i.reason}`);

describe('dataset option schemas', () => {
  it('gives every built-in dataset a schema whose defaults are its defaults', () => {
    for (const name of datasetNames()) {
      const schema = datasetOptions(name);
      const defaults = Object.fromEntries(Object.entries(schema).map(([k, s]) => [k, s.type === 'object' ? undefined : s.default]));
      expect(defaults, name).toEqual(datasetInfo(name).defaults);
      expect(datasetInfo(name).options).toEqual(schema);
    }
    expect(datasetOptions('spirals').nTrain).toMatchObject({ type: 'number', integer: true, min: 1, default: 1000 });
  });

  it('checks dataset-specific and common options, with suggestions for typos', () => {
    expect(reasons('spirals', { classes: 3, nTrain: 1600, noise: 0.1, validation: 0.1, limit: { train: 100 } })).toEqual([]);
    expect(reasons('spirals', { nTrain: 0 })).toEqual(['nTrain: must be an integer >= 1; found 0']);
    expect(reasons('spirals', { nosie: 0.1 })).toEqual([
      "nosie: unknown option 'nosie'; expected one of nTrain, nTest, classes, turns, noise (or a common option); did you mean 'noise'?",
    ]);
    expect(reasons('mnist', { valdation: 0.1 })[0]).toMatch(/this dataset takes none\); did you mean 'validation'\?$/);
    expect(reasons('cifar10', { limit: { trian: 5 } })[0]).toMatch(/^limit\.trian: unknown option 'trian'.*did you mean 'train'\?/);
    expect(reasons('cifar100', { labels: 'medium' })).toEqual(["labels: must be 'fine' or 'coarse'; found 'medium'"]);
    expect(reasons('teacher', { params: { widht: 3 } })[0]).toMatch(/^params\.widht: .*did you mean 'width'\?/);
  });

  it('loadDataset says NaN and strings as they are', async () => {
    await expect(loadDataset('spirals', { nTrain: NaN })).rejects.toThrow("dataset 'spirals': option nTrain: expected an integer >= 1, found NaN");
    await expect(loadDataset('spirals', { noise: 'abc' as never })).rejects.toThrow("option noise: expected a number >= 0, found the string 'abc'");
    await expect(loadDataset('moons', { nosie: 0.1 } as never)).rejects.toThrow(/did you mean 'noise'\?$/);
  });

  it('derives a schema for a registered dataset that declares none', () => {
    const base = datasetInfo('moons');
    registerDataset({
      info: { ...base, name: 'test-derived', defaults: { k: 2, mode: 'a' } },
      load: () => ({
        train: { x: new Float32Array(), y: new Int32Array() },
        test: { x: new Float32Array(), y: new Int32Array() },
        shape: [2],
        numClasses: 2,
        classNames: [],
      }),
    });
    expect(datasetOptions('test-derived')).toEqual({ k: { type: 'number', min: 0, default: 2 }, mode: { type: 'string', default: 'a' } });
    expect(optionIssues(datasetOptions('test-derived'), { k: -1 })[0].reason).toBe('must be a number >= 0; found -1');
  });
});

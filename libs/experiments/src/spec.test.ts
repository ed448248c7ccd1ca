import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnlyError } from './errors';
import { tinySpec } from './test-utils/tiny-spec';
import { expandGrid, filterRuns } from './grid';
import { listPresets, resolveSpec } from './presets';
import { loadSpecFile, parseSpec } from './spec';
import { SpecError } from './errors';
import { tinyBase } from './test-utils/tiny-spec';

const base = tinyBase({ model: { depth: 2, width: 4 }, batchSize: 16 });

function specError(raw: unknown): SpecError {
  try {
    parseSpec(raw, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return err as SpecError;
  }
  throw new Error('expected a SpecError');
}

describe('spec validation', () => {
  it('parses every shipped preset', () => {
    const names = listPresets().map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['quick', 'dying-relu', 'paper-cifar10', 'paper-cifar100']));
    for (const n of names) expect(expandGrid(resolveSpec(n)).length).toBeGreaterThan(1);
  });

  it('names the exact path of a bad surrogate parameter inside a grid', () => {
    const e = specError({
      name: 't',
      base,
      grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }, { kind: 'sugar', surrogate: { name: 'bsilu', alpha: -1 } }] },
    });
    expect(e.issues.map((i) => i.path)).toEqual(['grid.activation[2].surrogate.alpha']);
    expect(e.message).toMatch(/grid\.activation\[2\]\.surrogate\.alpha: .*must be > 0/);
  });

  it('names an unknown surrogate and lists the valid ones', () => {
    const e = specError({ name: 't', base, grid: { activation: [{ kind: 'sugar', surrogate: { name: 'bsiluu' } }] } });
    expect(e.issues[0].path).toBe('grid.activation[0].surrogate.name');
    expect(e.issues[0].message).toMatch(/unknown surrogate 'bsiluu'.*bsilu.*nelu/);
  });

  it('reports missing and mistyped base fields with their paths', () => {
    const { epochs: _e, ...noEpochs } = base;
    expect(specError({ name: 't', base: noEpochs }).issues.map((i) => i.path)).toEqual(['base.epochs']);
    expect(specError({ name: 't', base: { ...base, optimizer: { name: 'rmsprop', lr: 1 } } }).issues[0].path).toBe('base.optimizer.name');
    expect(specError({ name: 't', base, grid: { 'optimizer.lr': [0.1, -2] } }).issues[0].path).toBe('grid.optimizer.lr[1]');
    expect(specError({ name: 't', base, grid: { learningRate: [1] } }).issues[0].message).toMatch(/'learningRate' is not a run config field/);
    expect(specError({ base }).issues[0].path).toBe('name');
  });

  it('suggests the preset a mistyped name meant', () => {
    expect(() => resolveSpec('quik')).toThrow(SpecError);
    expect(() => resolveSpec('quik')).toThrow(/no preset of that name; presets: .*did you mean 'quick'\?$/);
  });

  it('names the file of a malformed YAML document', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spec-')), 'broken.yaml');
    fs.writeFileSync(file, 'name: x\nbase: [1, 2\n');
    expect(() => loadSpecFile(file)).toThrow(/invalid spec \S*broken\.yaml:\n.*not valid YAML/);
  });
});

describe('grid expansion', () => {
  const spec = parseSpec({
    name: 't',
    base,
    grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }], seed: [0, 1, 2] },
    baseline: 'relu',
  });

  it('makes one run per grid point with stable, config-derived ids', () => {
    const runs = expandGrid(spec);
    expect(runs).toHaveLength(6);
    expect(new Set(runs.map((r) => r.id)).size).toBe(6);
    expect(expandGrid(spec).map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(runs.map((r) => r.variant)).toEqual(['relu', 'relu', 'relu', 'sugar(bsilu,alpha=1.67)', 'sugar(bsilu,alpha=1.67)', 'sugar(bsilu,alpha=1.67)']);
    // Defaults are part of the resolved config: spelling alpha out gives the same run.
    const explicit = parseSpec({
      ...spec,
      baseline: undefined,
      grid: { activation: [{ kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } }], seed: [0] },
    });
    expect(expandGrid(explicit)[0].variant).toBe(runs[3].variant);
  });

  it('filters by axis, seed, id prefix and text', () => {
    const runs = expandGrid(spec);
    expect(filterRuns(runs, 'activation=relu')).toHaveLength(3);
    expect(filterRuns(runs, 'activation=sugar(bsilu,alpha=1.67),seed=1')).toHaveLength(1);
    expect(filterRuns(runs, runs[4].id.slice(0, 6))).toEqual([runs[4]]);
    expect(filterRuns(runs, 'bsilu')).toHaveLength(3);
  });

  it('takes terms on one axis as alternatives, and refuses a filter that keeps no run with the axis values', () => {
    const runs = expandGrid(spec);
    expect(filterRuns(runs, 'seed=0,seed=1').map((r) => r.seed)).toEqual([0, 1, 0, 1]);
    expect(filterRuns(runs, 'activation=relu,seed=0,seed=2')).toHaveLength(2);
    expect(() => filterRuns(runs, 'activation=reluu')).toThrow(
      /^--only 'activation=reluu' matches none of the 6 runs \(did you mean activation=relu\?\); the grid holds activation: relu, .*; seed: 0, 1, 2$/,
    );
    expect(() => filterRuns(runs, 'activaton=relu')).toThrow(/\(did you mean activation=relu\?\)/);
    expect(() => filterRuns(runs, 'seed=7')).toThrow(OnlyError);
  });
});

describe('a grid too large to run', () => {
  // Expanding 10^8 points would take minutes and gigabytes: the test would time out, not fail, if it did.
  it('is refused from its axes lengths, before anything is expanded', () => {
    const axis = (n: number) => Array.from({ length: n }, (_, i) => i);
    const huge = { name: 'huge', base: tinySpec().base, grid: { seed: axis(10_000), 'optimizer.lr': axis(10_000).map((i) => 1e-4 * (i + 1)) } };
    expect(() => parseSpec(huge)).toThrow(
      /grid: expands to 100,000,000 runs \(seed 10000 x optimizer\.lr 10000\); the limit is 100,000 \(SUGAR_MAX_RUNS raises it\)/,
    );
    expect(() => parseSpec({ ...huge, grid: { seed: axis(3) } }, 'spec', { maxRuns: 2 })).toThrow(/expands to 3 runs \(seed 3\); the limit is 2/);
  });
});

describe('a run too large for this machine', () => {
  it('is refused at validation with the estimate: a width of 1e9, 1e12 samples', () => {
    const base = tinySpec().base as Record<string, unknown>;
    const wide = { name: 'wide', base: { ...base, model: { name: 'mlp', depth: 2, width: 1e9 } }, grid: { seed: [0] } };
    expect(() => parseSpec(wide)).toThrow(
      /base\.model\.width: makes an MLP of 1\.00e\+18 parameters: about [\d.e+]+ GiB with gradients, Adam's moments and a checkpoint, more than this machine's [\d.]+ GiB/,
    );
    const many = { name: 'many', base: { ...base, dataset: { name: 'spirals', nTrain: 1e12 } }, grid: { seed: [0] } };
    expect(() => parseSpec(many)).toThrow(
      /base\.dataset\.nTrain: asks for 1\.00e\+12 samples of 2 features: about 7\.45e\+3 GiB as float32, more than this machine's/,
    );
  });
});

import * as analysis from '@sugar-lab/analysis';
import * as core from '@sugar-lab/core';
import * as datasets from '@sugar-lab/datasets';
import * as models from '@sugar-lab/models';
import * as plots from '@sugar-lab/plots';
import * as train from '@sugar-lab/train';
import { describe, expect, it } from 'vitest';
import * as experiments from './index';

type ErrorClass = new (...args: unknown[]) => Error;

// Constructor arguments that fit every error class's constructor shape (a message; where/expected/found; a list).
const ARGS: unknown[][] = [['m'], ['a', 'b', 'c'], ['a', []], ['a', 'b', 'c', 'd'], ['a', 'offline', 'd', []]];

function construct(cls: ErrorClass): Error {
  for (const args of ARGS) {
    try {
      return new cls(...args);
    } catch {
      // another shape
    }
  }
  throw new Error(`could not construct ${cls.name}`);
}

const LIBS: [string, Record<string, unknown>, ErrorClass][] = [
  ['core', core, core.SugarError as ErrorClass],
  ['datasets', datasets, datasets.DatasetError as ErrorClass],
  ['models', models, models.ModelError as ErrorClass],
  ['analysis', analysis, analysis.AnalysisError as ErrorClass],
  ['train', train, train.TrainError as ErrorClass],
  ['plots', plots, plots.PlotError as ErrorClass],
  ['experiments', experiments, experiments.ExperimentsError as ErrorClass],
];

describe('error classes of every lib', () => {
  for (const [lib, mod, base] of LIBS) {
    const classes = Object.values(mod).filter((v): v is ErrorClass => typeof v === 'function' && v.prototype instanceof Error);
    it(`${lib}: each exported error extends ${base.name} and is named after its class`, () => {
      expect(classes.length).toBeGreaterThan(1);
      for (const cls of classes) {
        if (cls !== base) expect(cls.prototype instanceof base, `${cls.name} extends ${base.name}`).toBe(true);
        const err = construct(cls);
        expect(err.name).toBe(cls.name);
        expect(err).toBeInstanceOf(base);
      }
    });
  }
});

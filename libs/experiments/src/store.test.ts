import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults } from './report-load';
import { reportTables } from './report-tables';
import { runSweep } from './runner';
import { parseSpec } from './spec';
import { ResultsStore, type RunSummary } from './store';
import { tinyBase } from './test-utils/tiny-spec';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-store-')));
  return made[made.length - 1];
};

const base = tinyBase({
  dataset: { classes: 2, nTrain: 32, nTest: 16 },
  model: { depth: 1, width: 4 },
  optimizer: { name: 'sgd', lr: 0.05 },
  epochs: 1,
  batchSize: 16,
  probes: { size: 16 },
});

describe('a results directory keeps the spec order of its variants', () => {
  const out = tmp();
  // model before activation, and 'sugar' sorts after 'relu' but 'mlp(depth=2' after 'mlp(depth=1': spec.json's
  // sorted keys put activation first, so labels re-derived from it read `relu | mlp(...)` and match no run.
  const spec = parseSpec({
    name: 'two-axis',
    base,
    grid: {
      model: [
        { name: 'mlp', depth: 2, width: 4 },
        { name: 'mlp', depth: 1, width: 4 },
      ],
      activation: [{ kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } }, { kind: 'relu' }],
    },
    baseline: 'sugar(bsilu,alpha=1.67)',
    metric: 'testAccuracy',
  });
  const expected = [
    'mlp(depth=2,width=4) | sugar(bsilu,alpha=1.67)',
    'mlp(depth=2,width=4) | relu',
    'mlp(depth=1,width=4) | sugar(bsilu,alpha=1.67)',
    'mlp(depth=1,width=4) | relu',
  ];

  it('report lists the variants of a two-axis spec in spec order, the baseline first', async () => {
    const r = await runSweep(spec, { out, workers: 2 });
    expect(r.completed).toBe(4);
    expect(new ResultsStore(out).variantOrder()).toEqual({ axes: ['model', 'activation'], variants: expected });
    const results = loadResults(out);
    expect(results.variants).toEqual(expected);
    expect(results.summaries.map((s) => s.variant)).toEqual(expected);
    const rows = reportTables(results).variants.toRecords() as { variant: string }[];
    expect([...new Set(rows.map((row) => row.variant))]).toEqual(expected);
  }, 120_000);

  it('a directory written before variants.json: the order comes from the runs config.json points, not spec.json', () => {
    fs.rmSync(new ResultsStore(out).variantsFile);
    const results = loadResults(out);
    expect(results.variants).toEqual(expected);
    expect(results.summaries.map((s) => s.variant)).toEqual(expected);
  });
});

describe('summary.json, written by recordOutcome alone', () => {
  const run = { id: 'abc', variant: 'v', seed: 0, point: {} };
  const summary = (final: Record<string, unknown>): RunSummary => ({ ...run, status: 'diverged', epochs: 1, final, backend: 'cpu', seconds: 1 });

  it('keeps NaN and Infinity: written as strings, read back as numbers', () => {
    const store = new ResultsStore(tmp());
    store.recordOutcome(run, { kind: 'summary', summary: summary({ trainLoss: NaN, gradNorm: Infinity, low: -Infinity, ok: 0.5 }) }, 'cpu', Date.now());
    expect(fs.readFileSync(store.summaryFile('abc'), 'utf8')).toContain('"trainLoss": "NaN"');
    expect(store.summary('abc')?.final).toEqual({ trainLoss: NaN, gradNorm: Infinity, low: -Infinity, ok: 0.5 });
  });

  it('records an error as a failed run with its stack, and an interruption as nothing', () => {
    const store = new ResultsStore(tmp());
    expect(store.recordOutcome(run, { kind: 'interrupted' }, 'cpu', Date.now())).toBeUndefined();
    expect(fs.existsSync(store.summaryFile('abc'))).toBe(false);
    const failed = store.recordOutcome(run, { kind: 'error', error: 'TypeError: x', stack: 'TypeError: x\n    at f (a.ts:1:1)' }, 'wasm', Date.now());
    expect(store.summary('abc')).toEqual(failed);
    expect(failed).toMatchObject({ status: 'failed', error: 'TypeError: x', stack: expect.stringContaining('a.ts:1:1'), backend: 'wasm' });
    expect(store.isFinished('abc')).toBe(false);
  });
});

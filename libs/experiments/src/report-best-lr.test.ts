import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from './report';
import { bestLrTable, lrGridTable } from './report-best-lr';
import { loadResults, type SweepResults } from './report-load';
import { runSweep } from './runner';
import { parseSpec } from './spec';
import { tinySpec } from './test-utils/tiny-spec';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  made.push(fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-best-lr-')));
  return made[made.length - 1];
};

const SUGAR = { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } };

// A real sweep: two activations on an SGD lr grid (1e12 diverges on every seed) plus Adam at one lr.
function spec(grid: Record<string, unknown[]>) {
  return parseSpec(
    tinySpec({
      name: 'best-lr-test',
      base: { model: { depth: 2, width: 8 }, optimizer: { name: 'sgd', lr: 0.05 }, epochs: 2, probes: { size: 48 } },
      grid,
      baseline: 'relu',
      metric: 'testAccuracy',
    }),
  );
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** testAccuracy of the completed runs of one activation and optimizer, by seed, read straight from the summaries. */
function accBySeed(r: SweepResults, act: string, opt: { name: string; lr: number }): Map<number, number> {
  const runs = r.summaries.filter((s) => s.variant.includes(`| ${act} |`) && JSON.stringify(s.point.optimizer) === JSON.stringify(opt));
  return new Map(runs.filter((s) => s.status === 'completed').map((s) => [s.seed, s.final.testAccuracy as number]));
}

describe('best learning rate per variant', () => {
  const out = tmp();
  let results: SweepResults;
  let report: Awaited<ReturnType<typeof writeReport>>;
  const sgd = [0.05, 0.5, 1e12];
  beforeAll(async () => {
    const s = spec({
      model: [{ name: 'mlp', depth: 2, width: 8 }],
      activation: [{ kind: 'relu' }, SUGAR],
      optimizer: [...sgd.map((lr) => ({ name: 'sgd', lr })), { name: 'adam', lr: 0.01 }],
      seed: [0, 1],
    });
    const r = await runSweep(s, { out, workers: 2 });
    expect(r).toMatchObject({ completed: 12, diverged: 4 });
    results = loadResults(out);
    report = await writeReport(out);
  }, 120_000);

  it('lists every lr of each variant with its completed and lost runs', () => {
    const grid = lrGridTable(results).toRecords() as Record<string, unknown>[];
    expect(grid.map((g) => [g.setting, g.optimizer, g.variant, g.lr, g.n, g.lost])).toEqual([
      ['mlp(depth=2,width=8)', 'adam', 'relu', 0.01, 2, 0],
      ['mlp(depth=2,width=8)', 'adam', 'sugar(bsilu,alpha=1.67)', 0.01, 2, 0],
      ...['relu', 'sugar(bsilu,alpha=1.67)'].flatMap((v) => sgd.map((lr) => ['mlp(depth=2,width=8)', 'sgd', v, lr, lr > 1 ? 0 : 2, lr > 1 ? 2 : 0])),
    ]);
  });

  it('picks each variant its best eligible lr, and pairs it with the baseline at its own best lr', () => {
    const rows = bestLrTable(results).toRecords() as Record<string, number | string | null>[];
    // Adam has one lr: nothing to pick. The diverged lr is never the best.
    expect(rows.map((r) => [r.optimizer, r.variant])).toEqual([
      ['sgd', 'relu'],
      ['sgd', 'sugar(bsilu,alpha=1.67)'],
    ]);
    const bestOf = (act: string) => {
      const [lo, hi] = [0.05, 0.5].map((lr) => mean([...accBySeed(results, act, { name: 'sgd', lr }).values()]));
      return hi > lo ? 0.5 : 0.05;
    };
    const [relu, sugar] = rows;
    for (const [row, act] of [
      [relu, 'relu'],
      [sugar, 'sugar(bsilu,alpha=1.67)'],
    ] as const) {
      expect(row.bestLr).toBe(bestOf(act));
      expect(row.best_mean).toBeCloseTo(mean([...accBySeed(results, act, { name: 'sgd', lr: bestOf(act) }).values()]), 12);
      expect(row.refLr).toBe(0.05);
      expect(row.ref_mean).toBeCloseTo(mean([...accBySeed(results, act, { name: 'sgd', lr: 0.05 }).values()]), 12);
      expect(row.lost).toBe(2);
    }
    expect(relu.bestDiff).toBeNull();
    const mine = accBySeed(results, 'sugar(bsilu,alpha=1.67)', { name: 'sgd', lr: bestOf('sugar(bsilu,alpha=1.67)') });
    const base = accBySeed(results, 'relu', { name: 'sgd', lr: bestOf('relu') });
    expect(sugar.bestDiff).toBeCloseTo(mean([0, 1].map((seed) => mine.get(seed)! - base.get(seed)!)), 12);
    const refMine = accBySeed(results, 'sugar(bsilu,alpha=1.67)', { name: 'sgd', lr: 0.05 });
    const refBase = accBySeed(results, 'relu', { name: 'sgd', lr: 0.05 });
    expect(sugar.refDiff).toBeCloseTo(mean([0, 1].map((seed) => refMine.get(seed)! - refBase.get(seed)!)), 12);
  });

  it('writes best-lr and lr-grid tables and a report section after the paired differences', () => {
    expect(report.files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['best-lr.csv', 'best-lr.parquet', 'lr-grid.csv', 'lr-grid.parquet']));
    const md = fs.readFileSync(report.markdown, 'utf8');
    const titles = [...md.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(titles.indexOf('Best learning rate')).toBe(titles.findIndex((t) => t.startsWith('Paired')) + 1);
    expect(md).toMatch(/\| best lr \|/);
    expect(md).toMatch(/vs relu, each at its best lr/);
    expect(fs.readFileSync(report.html, 'utf8')).toContain('Best learning rate');
  });
});

describe('a sweep without an lr grid', () => {
  it('has no best-lr table, file or section', async () => {
    const out = tmp();
    await runSweep(spec({ activation: [{ kind: 'relu' }, SUGAR], seed: [0] }), { out, workers: 2 });
    expect(bestLrTable(loadResults(out)).height).toBe(0);
    const report = await writeReport(out);
    expect(report.files.some((f) => /^(best-lr|lr-grid)\./.test(path.basename(f)))).toBe(false);
    expect(fs.readFileSync(report.markdown, 'utf8')).not.toContain('Best learning rate');
  }, 60_000);
});

import { fractionInterval, mean, pairedTTest, std } from '@sugar-lab/analysis';
import { describe, expect, it } from 'vitest';
import { layerTable, pairedTable, statusCounts, variantTable } from './aggregate';
import type { RunSummary } from './store';

// Summaries as runUnit makes them: a diverged run keeps the metrics of its last finished epoch (here epoch 0).
function run(variant: string, seed: number, status: RunSummary['status'], acc: number, extra: Record<string, unknown> = {}): RunSummary {
  return {
    id: `${variant}-${seed}`,
    variant,
    seed,
    point: { activation: variant, seed },
    status,
    epochs: status === 'completed' ? 5 : 0,
    final: { testAccuracy: acc, ...extra },
    backend: 'cpu',
    seconds: 1,
  };
}

const runs = [
  run('relu', 0, 'completed', 0.8),
  run('relu', 1, 'completed', 0.82),
  run('relu', 2, 'completed', 0.78),
  run('relu', 3, 'completed', 0.81),
  run('sugar', 0, 'completed', 0.9),
  run('sugar', 1, 'diverged', 0.33), // epoch-0 accuracy of an untrained net
  run('sugar', 2, 'completed', 0.88),
  run('sugar', 3, 'failed', 0.5),
];

describe('variantTable', () => {
  it('averages completed runs only and counts diverged and failed ones beside them', () => {
    const [relu, sugar] = variantTable(runs, ['testAccuracy'], ['relu', 'sugar']).toRecords();
    expect(relu).toMatchObject({ variant: 'relu', n: 4, diverged: 0, failed: 0, testAccuracy_n: 4 });
    expect(sugar).toMatchObject({ variant: 'sugar', n: 2, diverged: 1, failed: 1, testAccuracy_n: 2 });
    expect(sugar.testAccuracy_mean).toBeCloseTo(mean([0.9, 0.88]), 12);
    expect(sugar.testAccuracy_std).toBeCloseTo(std([0.9, 0.88]), 12);
    // The interval of two runs, not of four; an accuracy is a fraction: Wilson, inside [0, 1].
    const ci = fractionInterval([0.9, 0.88])!;
    expect([sugar.testAccuracy_ci_lo, sugar.testAccuracy_ci_hi]).toEqual([ci.lo, ci.hi]);
    expect(sugar.testAccuracy_ci_hi as number).toBeLessThanOrEqual(1);
  });

  it('gives a metric that is not a fraction its Student-t interval', () => {
    const losses = [run('relu', 0, 'completed', 0.8, { testLoss: 0.5 }), run('relu', 1, 'completed', 0.8, { testLoss: 0.7 })];
    const [row] = variantTable(losses, ['testLoss'], ['relu']).toRecords();
    // t_{0.975, 1} = 12.706
    expect((row.testLoss_ci_hi as number) - 0.6).toBeCloseTo((12.7062 * std([0.5, 0.7])) / Math.SQRT2, 3);
    expect(row.testLoss_ci_lo as number).toBeLessThan(0);
  });

  it("keeps a dead fraction's interval in [0, 1], over the runs' pooled units", () => {
    const layers = [
      { layer: 'act1', units: 144 },
      { layer: 'act2', units: 144 },
    ];
    const dead = [0, 1, 6].map((k, seed) => run('relu', seed, 'completed', 0.8, { deadFraction: k / 288, layers }));
    const [row] = variantTable(dead, ['deadFraction'], ['relu']).toRecords();
    const want = fractionInterval([0, 1 / 288, 6 / 288], { trials: [288, 288, 288] })!;
    expect([row.deadFraction_ci_lo, row.deadFraction_ci_hi]).toEqual([want.lo, want.hi]);
    expect(row.deadFraction_ci_lo as number).toBeGreaterThanOrEqual(0);
  });

  it('keeps a variant none of whose runs completed, with counts and no statistics', () => {
    const all = [run('relu', 0, 'completed', 0.8), run('relu', 1, 'completed', 0.7), run('big-lr', 0, 'diverged', 0.33), run('big-lr', 1, 'diverged', 0.34)];
    const rows = variantTable(all, ['testAccuracy'], ['relu', 'big-lr']).toRecords();
    expect(rows[1]).toMatchObject({ variant: 'big-lr', n: 0, diverged: 2, failed: 0, testAccuracy_n: 0, testAccuracy_mean: null, testAccuracy_ci_lo: null });
  });

  it('counts completed runs whose Hessian estimates did not converge (or never recorded it)', () => {
    const withHessian = [
      run('relu', 0, 'completed', 0.8, { hessianTop: 10, hessianConverged: true }),
      run('relu', 1, 'completed', 0.8, { hessianTop: 11, hessianConverged: false }),
      run('relu', 2, 'completed', 0.8, { hessianTop: 12 }),
    ];
    expect(variantTable(withHessian, ['hessianTop'], ['relu']).toRecords()[0]).toMatchObject({ n: 3, hessianUnconverged: 2, hessianTop_mean: 11 });
  });
});

describe('pairedTable', () => {
  it('pairs completed runs only; points lost to a diverged or failed run are counted', () => {
    const [row] = pairedTable(runs, 'testAccuracy', 'relu', 'activation').toRecords();
    expect(row).toMatchObject({ variant: 'sugar', baseline: 'relu', pairs: 2, diverged: 1, failed: 1 });
    const t = pairedTTest([0.9, 0.88], [0.8, 0.78]);
    expect(row.meanDiff).toBeCloseTo(t.meanDiff, 12);
    expect(row.p).toBeCloseTo(t.p, 12);
  });

  it('drops pairs whose baseline run diverged', () => {
    const r = [run('relu', 0, 'diverged', 0.3), run('relu', 1, 'completed', 0.8), run('sugar', 0, 'completed', 0.9), run('sugar', 1, 'completed', 0.85)];
    expect(pairedTable(r, 'testAccuracy', 'relu', 'activation').toRecords()[0]).toMatchObject({ pairs: 1, diverged: 1, failed: 0, t: null });
  });
});

describe('layerTable', () => {
  it('carries the variant counts beside the per-layer means', () => {
    const rows = [
      { variant: 'sugar', seed: 0, layer: 'act1', index: 0, deadFraction: 0.1 },
      { variant: 'sugar', seed: 2, layer: 'act1', index: 0, deadFraction: 0.3 },
    ];
    expect(layerTable(rows, ['sugar'], statusCounts(runs)).toRecords()[0]).toMatchObject({ variant: 'sugar', n: 2, diverged: 1, failed: 1, deadFraction: 0.2 });
  });
});

import { describe, expect, it } from 'vitest';
import { dyingReluExperiment, formatDyingReluReport } from './dying-relu';

describe('dyingReluExperiment (tiny)', () => {
  it('runs every seed x architecture x activation and summarizes them', async () => {
    const runs: string[] = [];
    const r = await dyingReluExperiment({
      backend: 'cpu',
      seeds: [0, 1],
      architectures: [{ depth: 2, width: 4 }],
      steps: 8,
      batchSize: 50,
      nTrain: 100,
      nTest: 50,
      probeSize: 64,
      onRun: (x) => runs.push(`${x.activation}/${x.seed}`),
    });
    expect(r.backend).toBe('cpu');
    expect([r.epochs, r.stepsPerEpoch]).toEqual([4, 2]);
    expect(runs).toEqual(['relu/0', 'sugar(bsilu)/0', 'relu/1', 'sugar(bsilu)/1']);
    expect(r.groups.map((g) => [g.activation, g.dead.n])).toEqual([['relu', 2], ['sugar(bsilu)', 2]]);
    expect(r.comparisons[0].dead.df).toBe(1);
    for (const x of r.runs) {
      expect(x.status).toBe('completed');
      expect(x.deadFinal).toBeGreaterThanOrEqual(0);
      expect(x.testAcc).toBeGreaterThan(0);
    }
    const md = formatDyingReluReport(r);
    expect(md).toMatch(/\| 2 x 4 \| relu \| /);
    expect(md).toMatch(/relu - sugar\(bsilu\)/);
  });
});

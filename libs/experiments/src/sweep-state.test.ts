import { describe, expect, it } from 'vitest';
import type { PlannedRun } from './grid';
import type { SweepEvent } from './runner';
import { SweepState } from './sweep-state';

const run = (id: string, epochs = 10): PlannedRun => ({
  id,
  config: { epochs } as PlannedRun['config'],
  point: {},
  variant: 'relu',
  seed: Number(id.slice(1)),
});
const epoch = (r: PlannedRun, e: number, metrics: Record<string, unknown> = {}): SweepEvent => ({ type: 'epoch', run: r, epoch: e, epochs: 10, metrics });

describe('SweepState', () => {
  it('follows running runs and times their epochs for per-run and sweep ETAs', () => {
    let t = 0;
    const s = new SweepState('quick', () => t);
    const [a, b, c] = [run('r0'), run('r1'), run('r2')];
    s.update({ type: 'start', total: 3, todo: 3, skipped: 0 });
    s.update({ type: 'run-start', run: a, resumed: false });
    s.update({ type: 'run-start', run: b, resumed: false });
    expect(s.eta()).toBeNaN();
    s.update(epoch(a, 0));
    t = 2000;
    s.update(epoch(a, 1, { trainLoss: 0.9, trainAcc: 0.5, evalAcc: 0.55, probes: { deadFraction: 0.25 } }));
    expect(s.rows()[0]).toMatchObject({ label: 'relu s0', epoch: 1, epochs: 10, trainLoss: 0.9, evalAcc: 0.55, deadFraction: 0.25, eta: 18 });
    // 9 + 10 epochs left on two running runs and 10 for the queued one, 2 s each, two at a time.
    expect(s.eta()).toBeCloseTo(((9 + 10 + 10) * 2) / 2);
    s.update({ type: 'run-end', run: a, summary: { status: 'completed' } as never });
    s.update({ type: 'run-end', run: b, interrupted: true });
    s.update({ type: 'run-start', run: c, resumed: false });
    expect([s.done, s.interrupted, s.rows().map((r) => r.id)]).toEqual([1, 1, ['r2']]);
  });
});

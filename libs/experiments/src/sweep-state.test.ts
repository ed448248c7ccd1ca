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
    t = 5000; // start-up is not an epoch
    s.update(epoch(a, 0));
    t = 7000;
    s.update(epoch(a, 1, { trainLoss: 0.9, trainAccuracy: 0.5, testAccuracy: 0.55, deadFraction: 0.25 }));
    expect(s.rows()[0]).toMatchObject({ label: 'relu s0', epoch: 1, epochs: 10, loss: 0.9, acc: 0.55, deadFraction: 0.25, eta: 18 });
    // 9 + 10 epochs left on the two running runs and 10 for the queued one, at 2 x (1 / 2 s) epochs per second.
    expect(s.eta()).toBeCloseTo((9 + 10 + 10) / 1);
    s.update({ type: 'run-end', run: a, summary: { status: 'failed' } as never });
    s.update({ type: 'run-end', run: b, interrupted: true });
    s.update({ type: 'run-start', run: c, resumed: false });
    expect([s.finished, s.failed, s.interrupted, s.rows().map((r) => r.id)]).toEqual([2, 1, 1, ['r2']]);
    expect(s.eta()).toBeCloseTo(10 / 1); // the last measured rate carries over until r2 is timed
  });
});

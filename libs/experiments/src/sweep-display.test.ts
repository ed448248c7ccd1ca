import { setHost, type HostDisplay } from '@sugar-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlannedRun } from './grid';
import { SweepDisplay, withSweepDisplay } from './sweep-display';

afterEach(() => setHost(undefined));
const run = (id: string): PlannedRun => ({ id, config: { epochs: 4 } as PlannedRun['config'], point: {}, variant: 'sugar(bsilu)', seed: 1 });

describe('SweepDisplay', () => {
  it('is one output updated in place: the sweep line and a row per running run', () => {
    const calls: { data: Record<string, string>; id: string; update: boolean }[] = [];
    let t = 0;
    const d = new SweepDisplay(
      (data, o) => calls.push({ data, ...o }),
      'quick',
      0,
      () => t,
    );
    d.update({ type: 'start', total: 2, todo: 2, skipped: 0 });
    d.update({ type: 'run-start', run: run('a'), resumed: false });
    t = 2000; // its first epoch took 2 s
    d.update({ type: 'epoch', run: run('a'), epoch: 1, epochs: 4, metrics: { trainLoss: 0.5, trainAccuracy: 0.75, testAccuracy: 0.7, deadFraction: 0.1 } });
    d.update({ type: 'log', message: 'ignored' });
    expect(calls.map((c) => c.update)).toEqual([false, true, true]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(1);
    expect(calls[2].data['text/plain']).toBe(
      // 3 epochs left at 2 s; the sweep: 3 + 4 (the queued run) epochs at 0.5 epochs/s.
      'quick: 0/2 ended | 1 running | ETA 14 s\nrun sugar(bsilu) s1 | epoch 1/4 | loss 0.5000 | acc 0.700 | dead 10.0% | ETA 6 s',
    );
    expect(calls[2].data['text/html']).toContain('<th style="padding:0 .6em;text-align:left">dead</th>');
  });

  it('joins the user onEvent under a host with displays, and stays off with progress: false or without one', () => {
    const shown: string[] = [];
    const display: HostDisplay = (data) => shown.push(data['text/plain']);
    const seen: string[] = [];
    const opts = { out: 'x', onEvent: (e: { type: string }) => seen.push(e.type) };
    expect(withSweepDisplay('s', opts)).toBe(opts);
    setHost({ display });
    withSweepDisplay('s', opts).onEvent!({ type: 'start', total: 1, todo: 1, skipped: 0 });
    expect([shown.length, seen]).toEqual([1, ['start']]);
    expect(withSweepDisplay('s', { ...opts, progress: false }).onEvent).toBe(opts.onEvent);
  });
});

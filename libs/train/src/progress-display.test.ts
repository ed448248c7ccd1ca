import { setHost, type HostDisplay } from '@sugar-lab/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { EpochMetrics } from './metrics';
import { createProgress } from './progress';
import { DisplayReporter, duration } from './progress-display';

afterEach(() => setHost(undefined));

function recorder() {
  const calls: { data: Record<string, string>; id: string; update: boolean }[] = [];
  const display: HostDisplay = (data, { id, update }) => calls.push({ data, id, update });
  return { calls, display };
}

const record = (epoch: number, extra: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch,
  step: epoch * 10,
  lr: 1e-3,
  trainLoss: epoch ? 0.5 / epoch : null,
  trainAcc: epoch ? 0.8 : null,
  evalSplit: 'test',
  evalLoss: 0.6,
  evalAcc: 0.79,
  probes: { deadFraction: 0.125 } as EpochMetrics['probes'],
  timing: { trainMs: 1, evalMs: 1, probeMs: 1, checkpointMs: 0 },
  ...extra,
});

describe('DisplayReporter', () => {
  it('shows one output and updates it in place: epoch, losses, accuracy, dead units, ETA', () => {
    const { calls, display } = recorder();
    const p = new DisplayReporter(display, 3, 0);
    p.epoch('epoch 0/3', record(0));
    p.batch(1, 1, 4, 0.7, 1e-3);
    p.batch(1, 4, 4, 0.4, 1e-3);
    p.epoch('epoch 1/3', record(1));
    p.done('completed after 30 steps');
    expect(new Set(calls.map((c) => c.id)).size).toBe(1);
    expect(calls.map((c) => c.update)).toEqual([false, true, true, true, true]);
    expect(calls[2].data['text/plain']).toMatch(/^epoch 1\/3 batch 4\/4 loss 0\.4000 \| .*test loss 0\.6000 acc 0\.7900 \| dead 12\.5% \| ETA /);
    expect(calls[3].data['text/plain']).toMatch(/^epoch 1\/3 \| train loss 0\.5000 acc 0\.8000 .* \| ETA \d/);
    expect(calls[4].data['text/plain']).toMatch(/completed after 30 steps in \d/);
    expect(calls[4].data['text/html']).toContain('<progress value="1.000" max="3"');
  });

  it('redraws within an epoch at most every everyMs, but always at its last batch', () => {
    const { calls, display } = recorder();
    const p = new DisplayReporter(display, 2, 60_000);
    for (let b = 1; b <= 50; b++) p.batch(1, b, 50, 0.5, 1e-3);
    expect(calls.length).toBe(2); // the first batch, then the last
  });

  it('is what auto progress picks under a host with displays; lines or none when asked', () => {
    const { calls, display } = recorder();
    const out: string[] = [];
    const stream = { isTTY: false, write: (s: string) => out.push(s) };
    setHost({ display });
    createProgress('auto', 2, stream).epoch('epoch 1/2', record(1));
    expect(calls.length).toBe(1);
    createProgress('lines', 2, stream).epoch('epoch 1/2', record(1));
    createProgress('none', 2, stream).epoch('epoch 1/2', record(1));
    expect(out).toEqual(['epoch 1/2\n']);
    expect(calls.length).toBe(1);
  });

  it('writes durations a reader takes in at a glance', () => {
    expect([duration(3.25), duration(42.4), duration(185), duration(3720), duration(NaN)]).toEqual(['3.3 s', '42 s', '3 min 5 s', '1 h 2 min', '?']);
  });
});

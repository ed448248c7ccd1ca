import { expandGrid, parseSpec, type PlannedRun } from '@sugar-lab/experiments';
import { describe, expect, it } from 'vitest';
import { tinySpec } from '../../../libs/experiments/src/test-utils/tiny-spec';
import { clock, fit, progressInterval, SweepProgress } from './progress';

// The sweep: 24 runs of a 12 x 24 MLP, 50 epochs each, long variant labels.
const runs: PlannedRun[] = expandGrid(
  parseSpec(
    tinySpec({
      name: 'dying-relu',
      base: { model: { depth: 12, width: 24 }, epochs: 50 },
      grid: {
        activation: [
          { kind: 'relu' },
          { kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } },
          { kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.05 } },
          { kind: 'gelu' },
        ],
        'optimizer.lr': [0.01, 0.003],
        seed: [0, 1, 2],
      },
      baseline: 'relu',
    }),
  ),
);

/** What a terminal (or a log file) receives: the text written to stderr. */
function stream(tty: boolean, columns = 80): NodeJS.WriteStream & { text: string } {
  const s = { text: '', isTTY: tty, columns, rows: 40, write: (t: string) => ((s.text += t), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

// Every frame the terminal shows: the lines written after each cursor-up-and-clear.
function frames(text: string): string[][] {
  const redraw = new RegExp(String.raw`\u001b\[\d+A\r\u001b\[J`);
  return text.split(redraw).map((f) => f.split('\n').filter(Boolean));
}

const metrics = (e: number) => ({ trainLoss: 1.1 / (e + 1), testAccuracy: 0.33 + 0.01 * e, testLoss: 1.2 / (e + 1) });

/** 8 runs in flight (one lane each), an epoch every 10 s of the given clock; nothing has finished. */
function eightInFlight(p: SweepProgress, time: { t: number }, epochs: number): void {
  p.update({ type: 'start', total: 24, todo: 24, skipped: 0 });
  const flying = runs.slice(0, 8);
  for (const run of flying) p.update({ type: 'run-start', run, resumed: false });
  for (let e = 0; e <= epochs; e++) {
    time.t += 10_000;
    for (const run of flying) p.update({ type: 'epoch', run, epoch: e, epochs: 50, metrics: metrics(e) });
  }
}

describe('SweepProgress on a terminal', () => {
  it('draws every line within 80 columns, each with its ETA, with 8 runs in flight', () => {
    const out = stream(true, 80);
    const time = { t: 0 };
    eightInFlight(new SweepProgress('dying-relu', out, { now: () => time.t }), time, 2);
    const drawn = frames(out.text).slice(1);
    expect(drawn.length).toBeGreaterThan(20);
    for (const f of drawn) {
      for (const line of f.filter((l) => !l.startsWith('dying-relu: 24 runs'))) {
        expect(line.length).toBeLessThanOrEqual(80);
        expect(line).toMatch(/ETA |more running/);
      }
    }
    // The last frame: the header, one line per run (epoch, loss, accuracy), nothing finished yet.
    const last = drawn[drawn.length - 1];
    expect(last).toHaveLength(9);
    expect(last[1]).toMatch(/^ {2}ETA 8:00 2\/50 loss 0\.3667 acc 35\.0% /);
  });

  it('estimates the sweep from epochs done across running runs, before any run finishes', () => {
    const out = stream(true, 200);
    const time = { t: 0 };
    eightInFlight(new SweepProgress('dying-relu', out, { now: () => time.t }), time, 2);
    const header = frames(out.text).pop()![0];
    // 8 runs at 10 s/epoch: 0.8 epochs/s; left: 8 x 48 + 16 queued x 50 = 1184 epochs, 1480 s.
    expect(header).toBe(`ETA ${clock(1480)} | dying-relu: 0/24 done, 8 running`);
    expect(clock(1480)).toBe('24:40');
  });

  it('keeps the ETA when the terminal is narrower than a line', () => {
    const out = stream(true, 30);
    const time = { t: 0 };
    eightInFlight(new SweepProgress('dying-relu', out, { now: () => time.t, maxRunLines: 3 }), time, 1);
    const last = frames(out.text).pop()!;
    expect(last).toHaveLength(4);
    expect(last.every((l) => l.length <= 30 && /ETA|more/.test(l))).toBe(true);
    expect(last[3]).toBe('  +6 more running');
  });
});

describe('SweepProgress in a log (not a terminal)', () => {
  it('writes plain lines, a summary at most every interval', () => {
    const out = stream(false);
    const time = { t: 0 };
    // 21 epoch rounds, 10 s apart: a summary at the first and then every 30 s, 7 in all.
    eightInFlight(new SweepProgress('dying-relu', out, { now: () => time.t, intervalS: 30 }), time, 20);
    expect(out.text).not.toContain('\x1b');
    const summaries = out.text.split('\n').filter((l) => l.startsWith('ETA '));
    expect(summaries).toHaveLength(7);
    // The 7th at epoch 18 (t = 190 s), written as the first run reports it: the others are still at 17.
    expect(summaries[6]).toMatch(
      /^ETA \d+:\d\d \| dying-relu: 0\/24 done, 8 running \| ETA 5:20 18\/50 loss 0\.05789 acc 51\.0% relu \| optimizer\.lr=0\.01 s0; ETA 5:30 17\/50 /,
    );
  });

  it('reads the interval from SUGAR_PROGRESS_INTERVAL_S, and refuses what is not a number of seconds', () => {
    expect(progressInterval({})).toBe(30);
    expect(progressInterval({ SUGAR_PROGRESS_INTERVAL_S: '5' })).toBe(5);
    expect(() => progressInterval({ SUGAR_PROGRESS_INTERVAL_S: 'soon' })).toThrow("SUGAR_PROGRESS_INTERVAL_S: expected a number of seconds >= 0; found 'soon'");
    expect(() => progressInterval({ SUGAR_PROGRESS_INTERVAL_S: '-1' })).toThrow(/found '-1'/);
  });
});

describe('fit', () => {
  it('cuts a line one column short of the width, marking the cut', () => {
    expect(fit('abcdef', 10)).toBe('abcdef');
    expect(fit('abcdefghijkl', 10)).toBe('abcdefgh\u2026');
  });
});

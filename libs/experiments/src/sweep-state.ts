import type { SweepEvent } from './runner';

/** A running run as a progress display shows it. */
export interface RunningRow {
  id: string;
  label: string;
  epoch: number;
  epochs: number;
  trainLoss?: number;
  trainAcc?: number;
  evalAcc?: number;
  deadFraction?: number;
  /** Seconds left for this run, from its own measured epochs (NaN before its first). */
  eta: number;
}

const num = (x: unknown) => (typeof x === 'number' ? x : undefined);

/**
 * What a sweep's progress displays show, from its events: runs done, failed and running, each running run's last
 * epoch, and ETAs from measured epoch times (a run's own; the sweep's from every run's epochs so far and how many
 * train at once). One owner for the terminal's lines and a notebook's display.
 */
export class SweepState {
  name: string;
  total = 0;
  done = 0;
  failed = 0;
  interrupted = 0;
  // `last`: when the run's previous epoch event came (undefined before its first: start-up is not an epoch).
  private readonly running = new Map<string, RunningRow & { last?: number; seconds: number[] }>();
  private readonly epochSeconds: number[] = [];
  private remainingQueued = 0;
  private epochsPerRun = 0;

  constructor(
    name: string,
    private readonly now: () => number = Date.now,
  ) {
    this.name = name;
  }

  update(e: SweepEvent): void {
    if (e.type === 'start') {
      this.total = e.todo;
      this.remainingQueued = e.todo;
    } else if (e.type === 'run-start') {
      this.remainingQueued = Math.max(0, this.remainingQueued - 1);
      this.epochsPerRun = e.run.config.epochs;
      const label = `${e.run.variant} s${e.run.seed}`;
      this.running.set(e.run.id, { id: e.run.id, label, epoch: 0, epochs: e.run.config.epochs, eta: NaN, seconds: [] });
    } else if (e.type === 'epoch') {
      const r = this.running.get(e.run.id);
      if (!r) return;
      const t = this.now();
      if (r.last !== undefined && e.epoch > r.epoch) {
        const s = (t - r.last) / 1000 / (e.epoch - r.epoch);
        r.seconds.push(s);
        this.epochSeconds.push(s);
      }
      r.last = t;
      r.epoch = e.epoch;
      r.epochs = e.epochs;
      const m = e.metrics;
      r.trainLoss = num(m.trainLoss);
      r.trainAcc = num(m.trainAcc);
      r.evalAcc = num(m.evalAcc);
      r.deadFraction = num((m.probes as { deadFraction?: unknown } | undefined)?.deadFraction);
      r.eta = r.seconds.length ? (r.epochs - r.epoch) * mean(r.seconds) : NaN;
    } else if (e.type === 'run-end') {
      this.running.delete(e.run.id);
      if (e.interrupted) this.interrupted++;
      else {
        this.done++;
        if (e.summary && e.summary.status !== 'completed') this.failed++;
      }
    }
  }

  rows(): RunningRow[] {
    return [...this.running.values()].map(({ last: _l, seconds: _s, ...row }) => row);
  }

  /**
   * Seconds until the sweep ends: epochs left (running runs' and queued runs') times the mean epoch time, spread
   * over as many runs as train at once. NaN until an epoch has been timed.
   */
  eta(): number {
    if (!this.epochSeconds.length) return NaN;
    const lanes = Math.max(1, this.running.size);
    const left = this.rows().reduce((a, r) => a + (r.epochs - r.epoch), 0) + this.remainingQueued * this.epochsPerRun;
    return (left * mean(this.epochSeconds.slice(-50))) / lanes;
  }
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

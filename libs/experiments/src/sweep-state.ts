import type { SweepEvent } from './runner';

/** A running run as progress displays show it. */
export interface RunningRow {
  id: string;
  label: string;
  epoch: number;
  epochs: number;
  /** Training loss (else the evaluation's). */
  loss?: number;
  /** The accuracy the run evaluates on: test, else validation, else training. */
  acc?: number;
  deadFraction?: number;
  /** Seconds left for this run at its measured pace (NaN before it was measured). */
  eta: number;
  /** When its last event came (ms): displays that show only some runs show the most recent. */
  updatedAt: number;
}

interface Running extends Omit<RunningRow, 'eta'> {
  startedAt: number;
  /** The first epoch report (epoch 0, or the first after a resume) and its time: epochs are timed from it. */
  first?: { epoch: number; at: number };
  secPerEpoch?: number;
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/**
 * What a sweep's progress displays show (the terminal's block, a notebook's table), from the runner's events: runs
 * finished, failed, interrupted and running, each running run's last epoch, and ETAs from measured epoch times: a
 * run's from its own epochs, the sweep's from the epochs still to train (running and queued) over the rate the
 * running runs train at together. The epoch metrics are the scalars the worker reports (epochScalars).
 */
export class SweepState {
  total = 0;
  /** Runs ended, however they ended (interrupted ones too). */
  finished = 0;
  failed = 0;
  interrupted = 0;
  private epochsPerRun = 1;
  private readonly running = new Map<string, Running>();
  /** The last measured rate (epochs per second, all lanes): kept between units, when no running run is measured yet. */
  private rate?: number;

  /**
   * An empty state, before the sweep's start event.
   *
   * @param name the sweep's name (the spec's `name`), shown in the display's heading
   * @param now the clock in milliseconds that ETAs are measured with (default Date.now)
   */
  constructor(
    readonly name: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Folds one runner event into the counts, the running runs and the rate estimate.
   *
   * @param e the event, as `runSweep`'s `onEvent` receives it
   */
  update(e: SweepEvent): void {
    const at = this.now();
    if (e.type === 'start') this.total = e.todo;
    else if (e.type === 'run-start') {
      this.epochsPerRun = e.run.config.epochs;
      this.running.set(e.run.id, {
        id: e.run.id,
        label: `${e.run.variant} s${e.run.seed}`,
        epoch: 0,
        epochs: e.run.config.epochs,
        startedAt: at,
        updatedAt: at,
      });
    } else if (e.type === 'epoch') {
      const r = this.running.get(e.run.id);
      if (!r) return;
      // Timed from the first epoch report on (start-up and data loading are not an epoch's cost), else from the start.
      r.first ??= { epoch: e.epoch, at };
      const base = e.epoch > r.first.epoch ? r.first : { epoch: 0, at: r.startedAt };
      if (e.epoch > base.epoch) r.secPerEpoch = (at - base.at) / 1000 / (e.epoch - base.epoch);
      const m = e.metrics;
      Object.assign(r, {
        epoch: e.epoch,
        epochs: e.epochs,
        updatedAt: at,
        loss: num(m.trainLoss) ?? num(m.testLoss) ?? num(m.valLoss),
        acc: num(m.testAccuracy) ?? num(m.valAccuracy) ?? num(m.trainAccuracy),
        deadFraction: num(m.deadFraction),
      });
    } else if (e.type === 'run-end') {
      this.running.delete(e.run.id);
      this.finished++;
      if (e.interrupted) this.interrupted++;
      else if (e.summary?.status === 'failed') this.failed++;
    }
  }

  /** The running runs in the order they started. */
  rows(): RunningRow[] {
    return [...this.running.values()].map(({ startedAt: _s, first: _f, secPerEpoch, ...r }) => ({
      ...r,
      eta: secPerEpoch === undefined ? NaN : Math.max(0, r.epochs - r.epoch) * secPerEpoch,
    }));
  }

  /** Seconds until the sweep ends; NaN until an epoch has been timed. */
  eta(): number {
    const runs = [...this.running.values()];
    const measured = runs.filter((r) => r.secPerEpoch !== undefined && r.secPerEpoch > 0);
    // Each measured run adds 1 / its seconds per epoch; the others are assumed as fast as the measured ones on average.
    if (measured.length) this.rate = (measured.reduce((s, r) => s + 1 / r.secPerEpoch!, 0) / measured.length) * runs.length;
    if (this.rate === undefined) return NaN;
    const queued = Math.max(0, this.total - this.finished - runs.length);
    const left = runs.reduce((s, r) => s + Math.max(0, r.epochs - r.epoch), 0) + queued * this.epochsPerRun;
    return left / this.rate;
  }
}

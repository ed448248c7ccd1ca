import { currentHost } from '@sugar-lab/core';
import type { EpochMetrics } from './metrics';
import { DisplayReporter } from './progress-display';
import { stderr } from './stderr';

/** Where a run reports progress: a display updated in place in a notebook, a redrawn bar on a TTY, or lines. */
export interface ProgressReporter {
  batch(epoch: number, batch: number, batches: number, loss: number, lr: number): void;
  epoch(line: string, record?: EpochMetrics): void;
  done(line: string): void;
}

export interface ProgressStream {
  /**
   * Writes text as it is, with no newline added (process.stderr.write fits).
   *
   * @param s the text: whole lines, or on a TTY a bar redrawn after a carriage return
   */
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));

/** A bar redrawn in place, at most ~10 times a second. */
class BarReporter implements ProgressReporter {
  private last = 0;
  private started = Date.now();
  constructor(
    private readonly out: ProgressStream,
    private readonly epochs: number,
  ) {}

  batch(epoch: number, batch: number, batches: number, loss: number, lr: number): void {
    const now = Date.now();
    if (batch === 1) this.started = now;
    if (now - this.last < 100 && batch < batches) return;
    this.last = now;
    const width = 24;
    const filled = Math.round((width * batch) / batches);
    const rate = batch / Math.max(1e-3, (now - this.started) / 1000);
    const line = `epoch ${epoch}/${this.epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${batch}/${batches} loss ${fmt(loss)} lr ${lr.toExponential(2)} ${rate.toFixed(1)} it/s`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
  }

  epoch(line: string): void {
    this.out.write(`\r${line}\x1b[K\n`);
  }

  done(line: string): void {
    this.out.write(`\r${line}\x1b[K\n`);
  }
}

class LineReporter implements ProgressReporter {
  constructor(private readonly out: ProgressStream) {}
  batch(): void {}
  epoch(line: string): void {
    this.out.write(line + '\n');
  }
  done(line: string): void {
    this.out.write(line + '\n');
  }
}

class SilentReporter implements ProgressReporter {
  batch(): void {}
  epoch(): void {}
  done(): void {}
}

/** `auto`: a display in a notebook (a host with displays), a bar on a TTY, lines elsewhere. */
export function createProgress(mode: 'auto' | 'bar' | 'lines' | 'none', epochs: number, out: ProgressStream = stderr()): ProgressReporter {
  const display = currentHost().display;
  if (mode === 'auto' && display) return new DisplayReporter(display, epochs);
  const m = mode === 'auto' ? (out.isTTY ? 'bar' : 'lines') : mode;
  if (m === 'bar') return new BarReporter(out, epochs);
  if (m === 'lines') return new LineReporter(out);
  return new SilentReporter();
}

export { fmt as formatNumber };

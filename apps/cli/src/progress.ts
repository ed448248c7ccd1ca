import { SweepState, type RunningRow, type SweepEvent } from '@sugar-lab/experiments';

/** Seconds between summary lines where stderr is not a terminal (CI, Slurm logs): `SUGAR_PROGRESS_INTERVAL_S`. */
export const DEFAULT_INTERVAL_S = 30;

/** The summary-line interval from the environment: a number of seconds >= 0 (0: a line at every epoch). */
export function progressInterval(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SUGAR_PROGRESS_INTERVAL_S;
  if (raw === undefined || raw.trim() === '') return DEFAULT_INTERVAL_S;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 0) throw new Error(`SUGAR_PROGRESS_INTERVAL_S: expected a number of seconds >= 0; found '${raw}'`);
  return s;
}

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function headline(final: Record<string, unknown>): string {
  const acc = final.testAccuracy;
  const dead = final.deadFraction;
  return [typeof acc === 'number' ? `acc ${acc.toFixed(3)}` : '', typeof dead === 'number' ? `dead ${(dead * 100).toFixed(1)}%` : '']
    .filter(Boolean)
    .join(', ');
}

/** A line cut to the terminal's width, one column short of it so that it never wraps. */
export function fit(line: string, columns: number): string {
  const max = Math.max(1, columns - 1);
  return line.length <= max ? line : line.slice(0, Math.max(0, max - 1)) + '\u2026';
}

export interface ProgressOptions {
  /** Where stderr is a terminal: at most this many run lines (default: up to 8, fewer on a short terminal). */
  maxRunLines?: number;
  /** Elsewhere: seconds between summary lines (default `progressInterval()`, from SUGAR_PROGRESS_INTERVAL_S). */
  intervalS?: number;
  /** The clock, in ms (tests give their own; the display measures epoch times with it). */
  now?: () => number;
}

/**
 * One progress display for a whole sweep. On a terminal: a block redrawn in place, a header (ETA of the sweep,
 * runs done) and one line per running run (ETA, epoch, loss, accuracy), each cut to the terminal's width with
 * the ETA first, so it is never the part cut off. Elsewhere (CI, Slurm logs): one line per finished run and a
 * summary line at most every SUGAR_PROGRESS_INTERVAL_S seconds. ETAs come from measured epoch times: a run's
 * from its own epochs, the sweep's from the epochs still to train and the rate at which the running runs go.
 */
export class SweepProgress {
  private readonly state: SweepState;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private drawn = 0;
  private lastLine = -Infinity;

  constructor(
    private readonly name: string,
    private readonly stream: NodeJS.WriteStream,
    private readonly opts: ProgressOptions = {},
  ) {
    this.tty = Boolean(stream.isTTY);
    this.now = opts.now ?? Date.now;
    this.intervalMs = 1000 * (opts.intervalS ?? progressInterval());
    this.state = new SweepState(name, this.now);
  }

  update(e: SweepEvent): void {
    this.state.update(e);
    switch (e.type) {
      case 'start':
        this.line(`${this.name}: ${e.total} runs, ${e.skipped} already done, ${e.todo} to run`);
        return this.render();
      case 'run-start':
        return this.render();
      case 'epoch':
        return this.render(true);
      case 'run-end':
        return this.runEnd(e);
      case 'log':
        return this.line(e.message);
    }
  }

  private runEnd(e: Extract<SweepEvent, { type: 'run-end' }>): void {
    const what = e.interrupted ? 'interrupted' : `${e.summary!.status}${e.summary!.error ? ` (${e.summary!.error.split('\n')[0]})` : ''}`;
    const extra = e.summary ? headline(e.summary.final) : '';
    this.line(
      `[${this.state.finished}/${this.state.total}] ${e.run.variant} seed=${e.run.seed}: ${what}${extra ? `, ${extra}` : ''}${e.summary ? ` (${e.summary.seconds.toFixed(1)} s)` : ''}`,
    );
  }

  /** Seconds left for the sweep (SweepState's estimate from measured epoch times). */
  eta(): number {
    return this.state.eta();
  }

  private header(): string {
    const s = this.state;
    return `ETA ${clock(s.eta())} | ${this.name}: ${s.finished}/${s.total} done${s.failed ? ` (${s.failed} failed)` : ''}, ${s.rows().length} running`;
  }

  private runLine(r: RunningRow): string {
    const fmt = (x: number | undefined, f: (x: number) => string) => (x === undefined ? '' : f(x));
    return [
      `  ETA ${clock(r.eta)}`,
      `${r.epoch}/${r.epochs}`,
      fmt(r.loss, (x) => `loss ${x.toPrecision(4)}`),
      fmt(r.acc, (x) => `acc ${(100 * x).toFixed(1)}%`),
      r.label,
    ]
      .filter(Boolean)
      .join(' ');
  }

  /** The lines of the block: the header, then the most recently updated runs (and how many more there are). */
  lines(): string[] {
    const runs = this.state.rows();
    const rows = this.stream.rows || 24;
    const max = Math.max(1, this.opts.maxRunLines ?? Math.min(8, rows - 3));
    // The most recently updated runs, drawn in the order they started so that lines do not jump around.
    const recent = new Set([...runs].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, runs.length > max ? max - 1 : max));
    const shown = runs.filter((r) => recent.has(r));
    const more = runs.length - shown.length;
    return [this.header(), ...shown.map((r) => this.runLine(r)), ...(more ? [`  +${more} more running`] : [])];
  }

  private clearBlock(): void {
    if (this.drawn) this.stream.write(`\x1b[${this.drawn}A\r\x1b[J`);
    this.drawn = 0;
  }

  // A terminal redraws its block at every event; elsewhere a summary line goes out at most every interval.
  private render(epoch = false): void {
    if (!this.tty) {
      if (epoch && this.now() - this.lastLine >= this.intervalMs) {
        this.lastLine = this.now();
        this.stream.write(
          `${this.header()} | ${this.state
            .rows()
            .map((r) => this.runLine(r).trim())
            .join('; ')}\n`,
        );
      }
      return;
    }
    this.clearBlock();
    const cols = this.stream.columns || 80;
    const block = this.lines().map((l) => fit(l, cols));
    this.stream.write(block.join('\n') + '\n');
    this.drawn = block.length;
  }

  private line(text: string): void {
    if (this.tty) this.clearBlock();
    this.stream.write(`${text}\n`);
    if (this.tty && this.state.total) this.render();
  }

  /** Clears the block. */
  done(): void {
    if (this.tty) this.clearBlock();
  }
}

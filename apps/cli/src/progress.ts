import type { SweepEvent } from '@sugar-lab/experiments';

function clock(seconds: number): string {
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

/**
 * One progress display for a whole sweep: on a terminal a single status line (runs done/total, what is
 * running, ETA from epochs done so far); elsewhere one plain line per finished run.
 */
export class SweepProgress {
  private total = 0;
  private finished = 0;
  private failed = 0;
  private epochsPerRun = 1;
  private epochUnits = 0;
  private readonly running = new Map<string, { label: string; epoch: number; epochs: number }>();
  private readonly t0 = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly name: string,
    private readonly stream: NodeJS.WriteStream,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(e: SweepEvent): void {
    switch (e.type) {
      case 'start':
        this.total = e.todo;
        this.stream.write(`${this.name}: ${e.total} runs, ${e.skipped} already done, ${e.todo} to run\n`);
        return this.render();
      case 'run-start':
        this.epochsPerRun = e.run.config.epochs;
        this.running.set(e.run.id, { label: `${e.run.variant} s${e.run.seed}`, epoch: 0, epochs: e.run.config.epochs });
        return this.render();
      case 'epoch': {
        const r = this.running.get(e.run.id);
        if (r) {
          this.epochUnits += Math.max(0, e.epoch - r.epoch);
          r.epoch = e.epoch;
        }
        return this.render();
      }
      case 'run-end': {
        const r = this.running.get(e.run.id);
        this.running.delete(e.run.id);
        if (r) this.epochUnits += Math.max(0, r.epochs - r.epoch);
        this.finished++;
        if (e.summary?.status === 'failed') this.failed++;
        const what = e.interrupted ? 'interrupted' : `${e.summary!.status}${e.summary!.error ? ` (${e.summary!.error.split('\n')[0]})` : ''}`;
        const extra = e.summary ? headline(e.summary.final) : '';
        this.line(
          `[${this.finished}/${this.total}] ${e.run.variant} seed=${e.run.seed}: ${what}${extra ? `, ${extra}` : ''}${e.summary ? ` (${e.summary.seconds.toFixed(1)} s)` : ''}`,
        );
        return this.render();
      }
      case 'log':
        return this.line(e.message);
    }
  }

  private eta(): number {
    const elapsed = (Date.now() - this.t0) / 1000;
    const unitsTotal = this.total * this.epochsPerRun;
    return this.epochUnits > 0 ? (elapsed / this.epochUnits) * (unitsTotal - this.epochUnits) : NaN;
  }

  private status(): string {
    const running = [...this.running.values()].map((r) => `${r.label} ${r.epoch}/${r.epochs}`).join('; ');
    return `${this.name}: ${this.finished}/${this.total} done${this.failed ? ` (${this.failed} failed)` : ''} | ${running || 'idle'} | ETA ${clock(this.eta())}`;
  }

  private render(): void {
    if (!this.tty) return;
    const cols = this.stream.columns || 100;
    this.stream.write(`\r\x1b[2K${this.status().slice(0, cols - 1)}`);
  }

  private line(text: string): void {
    if (this.tty) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
  }

  /** Clears the status line. */
  done(): void {
    if (this.tty) this.stream.write('\r\x1b[2K');
  }
}

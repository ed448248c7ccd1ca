import type { HostDisplay } from '@sugar-lab/core';
import type { EpochMetrics } from './metrics';
import type { ProgressReporter } from './progress';

const fmt = (x: number | null | undefined, digits = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toPrecision(digits) : String(x ?? '-'));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Seconds as `42 s`, `3 min 5 s`, `1 h 2 min`. */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/**
 * A run's progress as one notebook output updated in place (Jupyter's update_display_data), the way tqdm's and
 * Lightning's bars behave in a PyTorch notebook: epoch, batch, train loss and accuracy, the evaluation, dead units
 * and an ETA from the measured epoch times. Redrawn at most every `everyMs` within an epoch, and at every epoch.
 */
export class DisplayReporter implements ProgressReporter {
  private readonly id = `sugar-fit-${Math.random().toString(36).slice(2, 10)}`;
  private shown = false;
  private last = 0;
  private readonly started = Date.now();
  private epochStart = Date.now();
  private epochSeconds: number[] = [];
  private record: EpochMetrics | undefined;
  private current = { epoch: 0, batch: 0, batches: 0, loss: NaN };

  constructor(
    private readonly display: HostDisplay,
    private readonly epochs: number,
    private readonly everyMs = 250,
  ) {}

  batch(epoch: number, batch: number, batches: number, loss: number): void {
    if (batch === 1) this.epochStart = Date.now();
    this.current = { epoch, batch, batches, loss };
    const now = Date.now();
    if (now - this.last < this.everyMs && batch < batches) return;
    this.last = now;
    this.draw();
  }

  epoch(_line: string, record?: EpochMetrics): void {
    if (record) {
      if (record.epoch > 0) this.epochSeconds.push((Date.now() - this.epochStart) / 1000);
      this.record = record;
      this.current = { epoch: record.epoch, batch: 0, batches: 0, loss: NaN };
    }
    this.draw();
  }

  done(line: string): void {
    this.draw(`${line} in ${duration((Date.now() - this.started) / 1000)}`);
  }

  private eta(): number {
    const done = this.record?.epoch ?? 0;
    if (!this.epochSeconds.length) return NaN;
    const mean = this.epochSeconds.reduce((a, b) => a + b, 0) / this.epochSeconds.length;
    const inEpoch = this.current.batches ? this.current.batch / this.current.batches : 0;
    return Math.max(0, (this.epochs - done - inEpoch) * mean);
  }

  private draw(ending?: string): void {
    const r = this.record;
    const parts: string[] = [];
    const { epoch, batch, batches, loss } = this.current;
    parts.push(batches ? `epoch ${epoch}/${this.epochs} batch ${batch}/${batches} loss ${fmt(loss)}` : `epoch ${r?.epoch ?? 0}/${this.epochs}`);
    if (r?.trainLoss != null) parts.push(`train loss ${fmt(r.trainLoss)} acc ${fmt(r.trainAcc)}`);
    if (r?.evalLoss !== undefined) parts.push(`${r.evalSplit} loss ${fmt(r.evalLoss)} acc ${fmt(r.evalAcc)}`);
    if (r?.probes) parts.push(`dead ${(100 * r.probes.deadFraction).toFixed(1)}%`);
    parts.push(ending ?? `ETA ${duration(this.eta())}`);
    const text = parts.join(' | ');
    const done = (r?.epoch ?? 0) + (batches ? batch / batches : 0);
    const html =
      `<div style="font-family:monospace;white-space:pre-wrap"><progress value="${done.toFixed(3)}" max="${this.epochs}" ` +
      `style="width:14em;vertical-align:middle"></progress> ${esc(text)}</div>`;
    this.display({ 'text/html': html, 'text/plain': text }, { id: this.id, update: this.shown });
    this.shown = true;
  }
}

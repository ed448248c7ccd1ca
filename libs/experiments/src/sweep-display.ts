import { currentHost, type HostDisplay } from '@sugar-lab/core';
import type { SweepEvent, SweepOptions } from './runner';
import { SweepState, type RunningRow } from './sweep-state';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const fix = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(d));
const pct = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);

/** Seconds as `42 s`, `3 min 5 s`, `1 h 2 min`; `?` before anything was timed. */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

const COLUMNS: [string, (r: RunningRow) => string][] = [
  ['run', (r) => r.label],
  ['epoch', (r) => `${r.epoch}/${r.epochs}`],
  ['loss', (r) => fix(r.loss, 4)],
  ['acc', (r) => fix(r.acc)],
  ['dead', (r) => pct(r.deadFraction)],
  ['ETA', (r) => duration(r.eta)],
];

/**
 * A sweep's progress in a notebook cell: one output updated in place (update_display_data) with the runs ended,
 * failed and interrupted, the sweep's ETA, and a row per running run (epoch, loss, accuracy, dead units, its ETA).
 * Redrawn at most every `everyMs`, and whenever a run starts or ends.
 */
export class SweepDisplay {
  readonly state: SweepState;
  private readonly id = `sugar-sweep-${Math.random().toString(36).slice(2, 10)}`;
  private shown = false;
  private last = 0;

  constructor(
    private readonly display: HostDisplay,
    name: string,
    private readonly everyMs = 250,
    now: () => number = Date.now,
  ) {
    this.state = new SweepState(name, now);
  }

  update(e: SweepEvent): void {
    if (e.type === 'log') return;
    this.state.update(e);
    const now = Date.now();
    if (e.type === 'epoch' && now - this.last < this.everyMs) return;
    this.last = now;
    this.draw();
  }

  draw(): void {
    const s = this.state;
    const rows = s.rows();
    const head = `${s.name}: ${s.finished}/${s.total} ended${s.failed ? `, ${s.failed} failed` : ''}${s.interrupted ? `, ${s.interrupted} interrupted` : ''} | ${rows.length} running | ETA ${duration(s.eta())}`;
    const text = [head, ...rows.map((r) => COLUMNS.map(([k, f]) => `${k} ${f(r)}`).join(' | '))].join('\n');
    const cell = (x: string, tag = 'td') => `<${tag} style="padding:0 .6em;text-align:left">${esc(x)}</${tag}>`;
    const table = rows.length
      ? `<table style="font-family:monospace;border-collapse:collapse"><tr>${COLUMNS.map(([k]) => cell(k, 'th')).join('')}</tr>` +
        rows.map((r) => `<tr>${COLUMNS.map(([, f]) => cell(f(r))).join('')}</tr>`).join('') +
        '</table>'
      : '';
    const html =
      `<div style="font-family:monospace"><progress value="${s.finished}" max="${Math.max(1, s.total)}" style="width:14em;vertical-align:middle"></progress> ` +
      `${esc(head)}${table}</div>`;
    this.display({ 'text/html': html, 'text/plain': text }, { id: this.id, update: this.shown });
    this.shown = true;
  }
}

/** The options with a notebook display added to onEvent, where the host shows displays and `progress` allows. */
export function withSweepDisplay(name: string, opts: SweepOptions): SweepOptions {
  const display = currentHost().display;
  if (!display || opts.progress === false) return opts;
  const d = new SweepDisplay(display, name);
  const user = opts.onEvent;
  return {
    ...opts,
    onEvent: (e) => {
      d.update(e);
      user?.(e);
    },
  };
}

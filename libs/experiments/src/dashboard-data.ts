import * as fs from 'node:fs';
import { canonicalJSON } from '@sugar-lab/core';
import { readJSON } from './atomic';
import { ReportError } from './errors';
import { axisLabel, type PlannedRun } from './grid';
import { readCurves, type CurvePoint } from './report-load';
import { ResultsStore, type RunSummary } from './store';

/** A run as the dashboard lists it, finished or not. */
export interface DashboardRun {
  id: string;
  variant: string;
  seed: number;
  /** Its grid values as tables show them, by axis (the seed left out). */
  point: Record<string, string>;
  /** training: started and its lock is held and fresh; interrupted: started, not running, no summary; queued: not started. */
  status: RunSummary['status'] | 'training' | 'interrupted' | 'queued';
  epoch: number | null;
  epochs: number | null;
  /** The last epoch's scalars (losses, accuracies, dead fraction, sparsity). */
  last: Record<string, number>;
  error?: string;
}

export interface DashboardSnapshot {
  name: string;
  dir: string;
  /** Grid axes (but the seed) and their values in spec order, as labels. */
  axes: Record<string, string[]>;
  variants: string[];
  runs: DashboardRun[];
}

// A lock whose heartbeat is older than this is a dead holder's: the run is not training.
const FRESH_LOCK_MS = 60_000;

function lockFresh(file: string, now: number): boolean {
  try {
    return now - fs.statSync(file).mtimeMs < FRESH_LOCK_MS;
  } catch {
    return false;
  }
}

/**
 * Reads the results directory as it is now, a sweep running or not: every planned run (runs/<id>/config.json) with
 * its status and last epoch. Caches each run's curves by metrics.jsonl's size and mtime, so polling is cheap.
 */
export class DashboardData {
  readonly store: ResultsStore;
  private readonly cache = new Map<string, { key: string; curves: CurvePoint[] }>();

  constructor(readonly dir: string) {
    this.store = new ResultsStore(dir);
    if (!fs.existsSync(this.store.specFile)) throw new ReportError(`${dir} is not a results directory (expected ${this.store.specFile}, written by sugar run)`);
  }

  /** A fingerprint of everything the page shows: it changes when a run logs an epoch, ends, starts or stops. */
  version(): string {
    const parts: string[] = [];
    for (const id of this.store.listRunIds()) {
      const f = this.store.files(id);
      for (const file of [f.metrics, f.summary, f.lock]) {
        const s = fs.statSync(file, { throwIfNoEntry: false });
        parts.push(s ? `${s.size}:${s.mtimeMs}` : '-');
      }
    }
    return canonicalJSON(parts);
  }

  curves(id: string): CurvePoint[] {
    const file = this.store.metricsFile(id);
    const s = fs.statSync(file, { throwIfNoEntry: false });
    if (!s) return [];
    const key = `${s.size}:${s.mtimeMs}`;
    const hit = this.cache.get(id);
    if (hit?.key === key) return hit.curves;
    const curves = readCurves(file);
    this.cache.set(id, { key, curves });
    return curves;
  }

  snapshot(now = Date.now()): DashboardSnapshot {
    const spec = readJSON<{ name?: string; grid?: Record<string, unknown[]> }>(this.store.specFile) ?? {};
    const axes: Record<string, string[]> = {};
    for (const [axis, values] of Object.entries(spec.grid ?? {})) if (axis !== 'seed' && Array.isArray(values)) axes[axis] = values.map((v) => label(axis, v));
    // Variants in the order the sweep recorded (spec order, the baseline where the spec puts it), runs by seed.
    const runs = this.store.listRunIds().flatMap((id) => this.run(id, now) ?? []);
    const variants = [...new Set([...(this.store.variantOrder()?.variants ?? []), ...runs.map((r) => r.variant)])];
    runs.sort((a, b) => variants.indexOf(a.variant) - variants.indexOf(b.variant) || a.seed - b.seed);
    return { name: spec.name ?? this.dir, dir: this.dir, axes, variants, runs };
  }

  private run(id: string, now: number): DashboardRun | undefined {
    const planned = this.store.savedRun<PlannedRun>(id);
    if (!planned || typeof planned.variant !== 'string') return undefined;
    const summary = this.store.summary(id);
    const curves = this.curves(id);
    const lastPoint = curves.at(-1);
    const point: Record<string, string> = {};
    for (const [axis, v] of Object.entries(planned.point ?? {})) if (axis !== 'seed') point[axis] = label(axis, v);
    // A unit holds every member's lock while it trains them one after another: a locked run not started yet waits.
    const started = this.store.hasStarted(id);
    const status: DashboardRun['status'] = summary
      ? summary.status
      : !started
        ? 'queued'
        : lockFresh(this.store.files(id).lock, now)
          ? 'training'
          : 'interrupted';
    const run: DashboardRun = {
      id,
      variant: planned.variant,
      seed: planned.seed,
      point,
      status,
      epoch: lastPoint?.epoch ?? null,
      epochs: typeof planned.config?.epochs === 'number' ? planned.config.epochs : null,
      last: lastPoint?.scalars ?? {},
    };
    if (summary?.error) run.error = summary.error;
    return run;
  }

  /** One run's page: its saved config, summary, curves with per-layer dead fractions, and its checkpoints. */
  detail(id: string): { run: DashboardRun; config: unknown; summary: RunSummary | undefined; curves: CurvePoint[]; checkpoints: string[] } | undefined {
    if (!/^[0-9a-f]{6,64}$/.test(id)) return undefined;
    const run = this.run(id, Date.now());
    if (!run) return undefined;
    const dir = this.store.checkpointDir(id);
    const checkpoints = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((n) => n.startsWith('epoch-'))
          .sort()
      : [];
    return { run, config: this.store.savedRun(id), summary: this.store.summary(id), curves: this.curves(id), checkpoints };
  }
}

function label(axis: string, v: unknown): string {
  try {
    return axisLabel(axis, v);
  } catch {
    return canonicalJSON(v);
  }
}

import * as fs from 'node:fs';
import { canonicalJSON } from '@sugar-lab/core';
import { fromJsonLine, type EpochMetrics } from '@sugar-lab/train';
import { readJSON } from './atomic';
import { ReportError } from './errors';
import { axisLabel } from './grid';
import { checkOneConfigPerVariant } from './report-configs';
import { epochScalars } from './run-unit';
import { parseSpecFields, type Spec } from './spec';
import { ResultsStore, type RunSummary } from './store';
import { unfinishedRuns, type UnfinishedRun } from './report-unfinished';

export interface SweepResults {
  dir: string;
  spec: Spec;
  summaries: RunSummary[];
  /** Variants in spec order (the baseline first where the spec puts it first). */
  variants: string[];
  /** Per run id, its per-epoch scalars as logged. */
  curves: Map<string, CurvePoint[]>;
  /**
   * Planned runs without summary.json (the sweep is running, was interrupted, or is a Slurm array still
   * queued): listed with their progress, counted in every table, never averaged. Empty for a finished sweep.
   */
  unfinished: UnfinishedRun[];
}

export interface CurvePoint {
  epoch: number;
  scalars: Record<string, number>;
  layers: { layer: string; deadFraction: number }[];
}

/** A run's per-epoch scalars and per-layer dead fractions from its metrics.jsonl (the last record of an epoch wins). */
export function readCurves(file: string): CurvePoint[] {
  if (!fs.existsSync(file)) return [];
  const out: CurvePoint[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let m: EpochMetrics & { type?: string };
    try {
      m = fromJsonLine<EpochMetrics & { type?: string }>(line);
    } catch {
      continue; // a line cut by a crash mid-write; the epoch was redone after resume
    }
    if (m.type !== undefined && m.type !== 'epoch') continue;
    out.push({ epoch: m.epoch, scalars: epochScalars(m), layers: (m.probes?.layers ?? []).map((l) => ({ layer: l.layer, deadFraction: l.deadFraction })) });
  }
  // After a resume the log may repeat epochs; the last record of an epoch wins.
  return [...new Map(out.map((r) => [r.epoch, r])).values()].sort((a, b) => a.epoch - b.epoch);
}

/**
 * The spec as `sugar run` wrote it: its shape is checked, but not its values against today's model, dataset
 * and surrogate registries, so results stay readable after those change.
 */
function readSpec(dir: string): Spec {
  const file = new ResultsStore(dir).specFile;
  const raw = readJSON<unknown>(file);
  if (!raw) throw new ReportError(`${dir} is not a results directory (expected ${file}, written by sugar run)`);
  return parseSpecFields(raw, file);
}

/**
 * Variant labels in spec order, as the sweep recorded them when it claimed the directory (variants.json); for
 * directories written before that, recovered from the runs' config.json (below), else derived from spec.json.
 */
function plannedVariants(store: ResultsStore, spec: Spec): string[] | undefined {
  return store.variantOrder()?.variants ?? variantsOfRuns(store, spec) ?? derivedVariants(spec);
}

/**
 * The runs' own labels in grid order: each config.json's `point` keeps the spec's axis order (spec.json's sorted
 * keys do not), and spec.json's grid arrays keep each axis's value order. No label is re-made from today's registries.
 */
function variantsOfRuns(store: ResultsStore, spec: Spec): string[] | undefined {
  const runs = store.listRunIds().flatMap((id) => store.plannedRun(id) ?? []);
  if (!runs.length || !runs.every((r) => typeof r.variant === 'string' && r.point && typeof r.point === 'object')) return undefined;
  const axes = Object.keys(runs[0].point).filter((a) => a !== 'seed' && Array.isArray(spec.grid[a]));
  const index = (axis: string, v: unknown) => {
    const i = spec.grid[axis].findIndex((x) => canonicalJSON(x) === canonicalJSON(v));
    return i < 0 ? Infinity : i;
  };
  const ranks = new Map(runs.map((r) => [r, axes.map((a) => index(a, r.point[a]))]));
  const order = (x: number[], y: number[]) => x.reduce((d, xi, i) => d || (xi === y[i] ? 0 : xi < y[i] ? -1 : 1), 0);
  return [...new Set([...runs].sort((p, q) => order(ranks.get(p)!, ranks.get(q)!)).map((r) => r.variant))];
}

/** Variant labels in grid order (first axis slowest) of a stored spec; undefined if a label cannot be made. */
function derivedVariants(spec: Spec): string[] | undefined {
  const axes = Object.entries(spec.grid).filter(([axis]) => axis !== 'seed');
  if (!axes.length) return undefined;
  try {
    let labels = [''];
    for (const [axis, values] of axes) labels = labels.flatMap((l) => values.map((v) => (l ? `${l} | ` : '') + axisLabel(axis, v)));
    return labels;
  } catch {
    return undefined; // an activation today's registry no longer knows: fall back to the runs' order
  }
}

/**
 * Everything a report needs from a results directory, finished or not (a running or interrupted sweep's
 * finished runs, and the others with their progress); refuses one that pools different configs under a label.
 *
 * @param dir the results directory a sweep wrote (its `--out`), holding spec.json and one directory per run
 */
export function loadResults(dir: string): SweepResults {
  const spec = readSpec(dir);
  const store = new ResultsStore(dir);
  const summaries = store.summaries();
  const unfinished = unfinishedRuns(store);
  if (!summaries.length && !unfinished.length) throw new ReportError(`no runs in ${dir} yet (runs/*/config.json); start the sweep first`);
  checkOneConfigPerVariant(store, summaries);
  const variants = [...new Set([...(plannedVariants(store, spec) ?? []), ...summaries.map((s) => s.variant), ...unfinished.map((u) => u.variant)])];
  summaries.sort((a, b) => variants.indexOf(a.variant) - variants.indexOf(b.variant) || a.seed - b.seed);
  const curves = new Map(summaries.map((s) => [s.id, readCurves(store.metricsFile(s.id))]));
  return { dir, spec, summaries, variants, curves, unfinished };
}

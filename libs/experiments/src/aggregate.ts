import pl from 'nodejs-polars';
import { mean, pairedTTest, std } from '@sugar-lab/analysis';
import { metricInterval } from './metric-interval';
import type { RunSummary } from './store';

/** Final scalar metrics of a run: every finite number at the top level of its summary's `final`. */
export function scalarMetrics(s: RunSummary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.final ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** Runs of a variant by status: only completed ones enter means, intervals and paired tests. */
export interface StatusCounts {
  completed: number;
  diverged: number;
  failed: number;
  /** Runs without summary.json (training, interrupted or not started): set only when the sweep is incomplete. */
  unfinished?: number;
}

/** A planned run that has not finished: what the tables need of it to count it (report-unfinished.ts). */
export interface PendingRun {
  variant: string;
  point: Record<string, unknown>;
}

/**
 * Per variant label, how many of its runs completed, diverged and failed, and (given `unfinished`, the runs of
 * an incomplete sweep) how many have not finished.
 */
export function statusCounts(summaries: RunSummary[], unfinished: PendingRun[] = []): Map<string, StatusCounts> {
  const out = new Map<string, StatusCounts>();
  const zero = (): StatusCounts => ({ completed: 0, diverged: 0, failed: 0, ...(unfinished.length ? { unfinished: 0 } : {}) });
  for (const s of summaries) {
    const c = out.get(s.variant) ?? zero();
    c[s.status]++;
    out.set(s.variant, c);
  }
  for (const u of unfinished) {
    const c = out.get(u.variant) ?? zero();
    c.unfinished = (c.unfinished ?? 0) + 1;
    out.set(u.variant, c);
  }
  return out;
}

const completed = (summaries: RunSummary[]) => summaries.filter((s) => s.status === 'completed');

/** Whether a run measured Hessian extremes without recording that they converged (old runs never recorded it). */
export function hessianUnconverged(s: RunSummary): boolean {
  return typeof s.final?.hessianTop === 'number' && s.final.hessianConverged !== true;
}

const hasLandscape = (summaries: RunSummary[]) => summaries.some((s) => s.final?.hessianTop !== undefined);

/**
 * One row per run: id, variant, seed, status, epochs, seconds and its final scalar metrics; an unfinished run
 * (given with its last logged epoch) is a row with status `unfinished` and no metrics.
 */
export function runsTable(summaries: RunSummary[], unfinished: (PendingRun & { id: string; seed: number; epoch: number | null })[] = []): pl.DataFrame {
  const metrics = [...new Set(summaries.flatMap((s) => Object.keys(scalarMetrics(s))))].sort();
  const landscape = hasLandscape(summaries);
  const rows = summaries.map((s) => {
    const m = scalarMetrics(s);
    return {
      id: s.id,
      variant: s.variant,
      seed: s.seed,
      status: s.status,
      epochs: s.epochs,
      seconds: s.seconds,
      ...(landscape ? { hessianConverged: typeof s.final?.hessianConverged === 'boolean' ? s.final.hessianConverged : null } : {}),
      ...Object.fromEntries(metrics.map((k) => [k, m[k] ?? null])),
    };
  });
  const pending = unfinished.map((u) => ({ id: u.id, variant: u.variant, seed: u.seed, status: 'unfinished', epochs: u.epoch ?? 0, seconds: null }));
  const all = [...rows, ...pending];
  return all.length ? pl.DataFrame(all) : pl.DataFrame({ id: [], variant: [], seed: [], status: [] });
}

// JS numbers arrive in polars as floats; counts are written as integers (2, not 2.0).
function integers(df: pl.DataFrame, cols: string[]): pl.DataFrame {
  const present = cols.filter((c) => df.columns.includes(c));
  return present.length ? df.withColumns(...present.map((c) => pl.col(c).cast(pl.Int64))) : df;
}

const COUNTS = ['n', 'diverged', 'failed', 'unfinished', 'hessianUnconverged', 'pairs'];

const rankIn = (order: string[]) => (v: string) => (order.indexOf(v) === -1 ? order.length : order.indexOf(v));

// mean, std, 95% interval (metric-interval.ts: Wilson for fractions, else Student t) and count of one metric over
// a variant's completed runs that have it.
function metricStats(runs: RunSummary[], m: string): Record<string, number | null> {
  const values = runs.map((s) => scalarMetrics(s)[m]);
  const n = values.length;
  const ci = metricInterval(m, runs);
  return {
    [`${m}_n`]: n,
    [`${m}_mean`]: n ? mean(values) : null,
    [`${m}_std`]: n > 1 ? std(values) : null,
    [`${m}_ci_lo`]: ci?.lo ?? null,
    [`${m}_ci_hi`]: ci?.hi ?? null,
  };
}

/**
 * Per variant: n (completed runs), diverged, failed, and over the completed runs only the mean, std, 95%
 * interval (Wilson for fractions, Student t otherwise: `metricInterval`) and count of each metric (a diverged
 * run's last metrics are those of the epoch before it blew up, often epoch 0: averaging them in would mix
 * untrained numbers into the means). With landscape
 * scalars, `hessianUnconverged` counts completed runs whose Hessian estimates did not converge. Variants
 * keep the order given; a variant none of whose runs completed keeps its row, with empty statistics.
 */
export function variantTable(summaries: RunSummary[], metrics: string[], order: string[], unfinished: PendingRun[] = []): pl.DataFrame {
  if (!summaries.length && !unfinished.length) return pl.DataFrame({ variant: [] as string[] });
  const counts = statusCounts(summaries, unfinished);
  const done = completed(summaries);
  const present = metrics.filter((m) => done.some((s) => m in scalarMetrics(s)));
  const landscape = hasLandscape(summaries);
  const rank = rankIn(order);
  const variants = [...counts.keys()].sort((a, b) => rank(a) - rank(b));
  const rows = variants.map((variant) => {
    const c = counts.get(variant)!;
    const runs = done.filter((s) => s.variant === variant);
    const row: Record<string, string | number | null> = { variant, n: c.completed, diverged: c.diverged, failed: c.failed };
    if (c.unfinished !== undefined) row.unfinished = c.unfinished;
    if (landscape) row.hessianUnconverged = runs.filter(hessianUnconverged).length;
    for (const m of present)
      Object.assign(
        row,
        metricStats(
          runs.filter((s) => m in scalarMetrics(s)),
          m,
        ),
      );
    return row;
  });
  return integers(pl.DataFrame(rows), [...COUNTS, ...present.map((m) => `${m}_n`)]);
}

/** Metrics estimated by an iteration that may stop short of convergence (flagged in tables). */
export const HESSIAN_METRICS = ['hessianTop', 'hessianMin', 'convexityRatio'];

interface PairGroup {
  baseline: string;
  a: number[];
  b: number[];
  diverged: number;
  failed: number;
  unfinished: number;
  unconverged: number;
}

// A point lost to a run that did not complete counts as failed if either run failed, else as diverged.
function lostTo(a: RunSummary, b: RunSummary): 'diverged' | 'failed' | undefined {
  if (a.status === 'failed' || b.status === 'failed') return 'failed';
  if (a.status === 'diverged' || b.status === 'diverged') return 'diverged';
  return undefined;
}

/**
 * Paired comparison with the baseline, per metric: each run is paired with the baseline run that shares its
 * seed and every other grid axis, and the differences (variant - baseline) over the pairs where both runs
 * completed get a mean, a 95% CI and a paired t-test. `diverged` / `failed` count the points lost because
 * either run of the pair diverged / failed; with landscape scalars, `hessianUnconverged` counts (for Hessian
 * metrics) the pairs with an unconverged estimate.
 */
export function pairedTable(
  summaries: RunSummary[],
  metrics: string | string[],
  baseline: string,
  baselineAxis: string,
  unfinished: PendingRun[] = [],
): pl.DataFrame {
  const landscape = hasLandscape(summaries);
  const rows = (typeof metrics === 'string' ? [metrics] : metrics).flatMap((m) => pairedRows(summaries, m, baseline, baselineAxis, landscape, unfinished));
  return rows.length ? integers(pl.DataFrame(rows), COUNTS) : pl.DataFrame({ variant: [] as string[] });
}

function pairedRows(
  summaries: RunSummary[],
  metric: string,
  baseline: string,
  baselineAxis: string,
  landscape: boolean,
  unfinished: PendingRun[],
): Record<string, string | number | null>[] {
  const keyOf = (s: PendingRun) =>
    JSON.stringify(
      Object.entries(s.point)
        .filter(([k]) => k !== baselineAxis)
        .sort(),
    );
  const isBase = (s: PendingRun) => s.variant.split(' | ').includes(baseline);
  const base = new Map(summaries.filter(isBase).map((s) => [keyOf(s), s]));
  const pendingBase = new Map(unfinished.filter(isBase).map((s) => [keyOf(s), s]));
  const hessian = HESSIAN_METRICS.includes(metric);
  const groups = new Map<string, PairGroup>();
  const group = (variant: string, baselineVariant: string) => {
    const g = groups.get(variant) ?? { baseline: baselineVariant, a: [], b: [], diverged: 0, failed: 0, unfinished: 0, unconverged: 0 };
    groups.set(variant, g);
    return g;
  };
  // A point whose run or baseline run has not finished is counted, never compared.
  for (const u of unfinished) {
    const b = isBase(u) ? undefined : (base.get(keyOf(u)) ?? pendingBase.get(keyOf(u)));
    if (b) group(u.variant, b.variant).unfinished++;
  }
  for (const s of summaries) {
    const pending = isBase(s) ? undefined : pendingBase.get(keyOf(s));
    if (pending) group(s.variant, pending.variant).unfinished++;
    const b = isBase(s) ? undefined : base.get(keyOf(s));
    if (!b) continue;
    const g = group(s.variant, b.variant);
    const lost = lostTo(s, b);
    const [sv, bv] = [s.final?.[metric], b.final?.[metric]];
    if (lost) g[lost]++;
    else if (typeof sv === 'number' && typeof bv === 'number') {
      g.a.push(sv);
      g.b.push(bv);
      if (hessian && (hessianUnconverged(s) || hessianUnconverged(b))) g.unconverged++;
    }
  }
  return [...groups]
    .filter(([, g]) => g.a.length || g.diverged || g.failed || g.unfinished)
    .map(([variant, g]) => pairedRow(variant, metric, g, landscape ? hessian : undefined, unfinished.length > 0));
}

// `hessian`: undefined without landscape scalars (no column), else whether the metric is a Hessian one.
function pairedRow(variant: string, metric: string, g: PairGroup, hessian: boolean | undefined, incomplete: boolean): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = { variant, baseline: g.baseline, metric, pairs: g.a.length, diverged: g.diverged, failed: g.failed };
  if (incomplete) row.unfinished = g.unfinished;
  if (hessian !== undefined) row.hessianUnconverged = hessian ? g.unconverged : null;
  if (g.a.length >= 2) {
    const t = pairedTTest(g.a, g.b);
    return Object.assign(row, {
      meanDiff: t.meanDiff,
      ciLo: t.ci.lo,
      ciHi: t.ci.hi,
      t: Number.isFinite(t.t) ? t.t : null,
      p: Number.isFinite(t.p) ? t.p : null,
    });
  }
  return Object.assign(row, { meanDiff: g.a.length ? g.a[0] - g.b[0] : null, ciLo: null, ciHi: null, t: null, p: null });
}

export interface LayerRow {
  variant: string;
  seed: number;
  layer: string;
  index: number;
  [metric: string]: string | number;
}

/**
 * Per variant (in `order`) and activation layer: mean over seeds of the final per-layer probe numbers of
 * the given rows (the report passes completed runs only), with the variant's diverged and failed counts.
 */
export function layerTable(rows: LayerRow[], order: string[] = [], counts: Map<string, StatusCounts> = new Map()): pl.DataFrame {
  if (!rows.length) return pl.DataFrame({ variant: [] as string[] });
  const df = pl.DataFrame(rows);
  const metrics = df.columns.filter((c) => !['variant', 'seed', 'layer', 'index'].includes(c));
  const grouped = df
    .groupBy(['variant', 'layer', 'index'])
    .agg(pl.len().alias('n'), ...metrics.map((m) => pl.col(m).mean().alias(m)))
    .toRecords() as Record<string, string | number>[];
  const rank = rankIn(order);
  grouped.sort(
    (a, b) => rank(String(a.variant)) - rank(String(b.variant)) || String(a.variant).localeCompare(String(b.variant)) || Number(a.index) - Number(b.index),
  );
  const withCounts = grouped.map(({ variant, layer, index, n, ...m }) => {
    const c = counts.get(String(variant));
    const pending = [...counts.values()].some((x) => x.unfinished !== undefined) ? { unfinished: c?.unfinished ?? 0 } : {};
    return { variant, layer, index, n, diverged: c?.diverged ?? 0, failed: c?.failed ?? 0, ...pending, ...m };
  });
  return integers(pl.DataFrame(withCounts), COUNTS);
}

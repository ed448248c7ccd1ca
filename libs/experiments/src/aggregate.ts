import pl from 'nodejs-polars';
import { pairedTTest, studentTQuantile } from '@sugar-lab/analysis';
import type { RunSummary } from './store';

/** Final scalar metrics of a run: every finite number at the top level of its summary's `final`. */
export function scalarMetrics(s: RunSummary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.final ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** One row per run: id, variant, seed, status, epochs, seconds and its final scalar metrics. */
export function runsTable(summaries: RunSummary[]): pl.DataFrame {
  const metrics = [...new Set(summaries.flatMap((s) => Object.keys(scalarMetrics(s))))].sort();
  const rows = summaries.map((s) => {
    const m = scalarMetrics(s);
    return {
      id: s.id,
      variant: s.variant,
      seed: s.seed,
      status: s.status,
      epochs: s.epochs,
      seconds: s.seconds,
      ...Object.fromEntries(metrics.map((k) => [k, m[k] ?? null])),
    };
  });
  return rows.length ? pl.DataFrame(rows) : pl.DataFrame({ id: [], variant: [], seed: [], status: [] });
}

/**
 * Per variant (over seeds; completed and diverged runs, diverged ones counting with their last metrics):
 * n, mean, std and the 95% Student-t interval of each metric. Variants keep the order given.
 */
export function variantTable(summaries: RunSummary[], metrics: string[], order: string[]): pl.DataFrame {
  const done = summaries.filter((s) => s.status !== 'failed');
  if (!done.length) return pl.DataFrame({ variant: [] as string[] });
  const runs = runsTable(done);
  const present = metrics.filter((m) => runs.columns.includes(m));
  const agg = runs
    .groupBy('variant')
    .agg(
      pl.len().alias('n'),
      pl.col('status').filter(pl.col('status').eq(pl.lit('diverged'))).count().alias('diverged'),
      ...present.flatMap((m) => [pl.col(m).mean().alias(`${m}_mean`), pl.col(m).std().alias(`${m}_std`)]),
    );
  const rows = agg.toRecords() as Record<string, number | string | null>[];
  const rank = (v: string) => (order.indexOf(v) === -1 ? order.length : order.indexOf(v));
  rows.sort((a, b) => rank(String(a.variant)) - rank(String(b.variant)));
  for (const r of rows) {
    const n = Number(r.n);
    for (const m of present) {
      const sd = r[`${m}_std`] as number | null;
      const half = n > 1 && sd !== null ? studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) : null;
      const mean = r[`${m}_mean`] as number | null;
      r[`${m}_ci_lo`] = half === null || mean === null ? null : mean - half;
      r[`${m}_ci_hi`] = half === null || mean === null ? null : mean + half;
    }
  }
  return pl.DataFrame(rows);
}

/**
 * Paired comparison with the baseline: each run is paired with the baseline run that shares its seed and
 * every other grid axis, and the differences (variant - baseline) get a mean, a 95% CI and a paired t-test.
 */
export function pairedTable(summaries: RunSummary[], metric: string, baseline: string, baselineAxis: string): pl.DataFrame {
  const done = summaries.filter((s) => s.status !== 'failed' && typeof s.final?.[metric] === 'number');
  const label = (s: RunSummary) => s.variant;
  const keyOf = (s: RunSummary) => JSON.stringify(Object.entries(s.point).filter(([k]) => k !== baselineAxis).sort());
  const isBase = (s: RunSummary) => s.variant.split(' | ').includes(baseline);
  const base = new Map(done.filter(isBase).map((s) => [keyOf(s), s]));
  const groups = new Map<string, { a: number[]; b: number[]; baseline: string }>();
  for (const s of done) {
    if (isBase(s)) continue;
    const b = base.get(keyOf(s));
    if (!b) continue;
    const g = groups.get(label(s)) ?? { a: [], b: [], baseline: b.variant };
    g.a.push(s.final[metric] as number);
    g.b.push(b.final[metric] as number);
    groups.set(label(s), g);
  }
  const rows = [...groups].map(([variant, g]) => {
    const row: Record<string, string | number | null> = { variant, baseline: g.baseline, metric, pairs: g.a.length };
    if (g.a.length >= 2) {
      const t = pairedTTest(g.a, g.b);
      Object.assign(row, { meanDiff: t.meanDiff, ciLo: t.ci.lo, ciHi: t.ci.hi, t: Number.isFinite(t.t) ? t.t : null, p: Number.isFinite(t.p) ? t.p : null });
    } else {
      Object.assign(row, { meanDiff: g.a.length ? g.a[0] - g.b[0] : null, ciLo: null, ciHi: null, t: null, p: null });
    }
    return row;
  });
  return rows.length ? pl.DataFrame(rows) : pl.DataFrame({ variant: [] as string[] });
}

export interface LayerRow {
  variant: string;
  seed: number;
  layer: string;
  index: number;
  [metric: string]: string | number;
}

/** Per variant (in `order`) and activation layer: mean over seeds of the final per-layer probe numbers. */
export function layerTable(rows: LayerRow[], order: string[] = []): pl.DataFrame {
  if (!rows.length) return pl.DataFrame({ variant: [] as string[] });
  const df = pl.DataFrame(rows);
  const metrics = df.columns.filter((c) => !['variant', 'seed', 'layer', 'index'].includes(c));
  const grouped = df
    .groupBy(['variant', 'layer', 'index'])
    .agg(pl.len().alias('n'), ...metrics.map((m) => pl.col(m).mean().alias(m)))
    .toRecords() as Record<string, string | number>[];
  const rank = (v: string) => (order.indexOf(v) === -1 ? order.length : order.indexOf(v));
  grouped.sort((a, b) => rank(String(a.variant)) - rank(String(b.variant)) || String(a.variant).localeCompare(String(b.variant)) || Number(a.index) - Number(b.index));
  return pl.DataFrame(grouped);
}

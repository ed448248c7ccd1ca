import pl from 'nodejs-polars';
import { HESSIAN_METRICS, layerTable, pairedTable, runsTable, scalarMetrics, statusCounts, variantTable, type LayerRow } from './aggregate';
import type { SweepResults } from './report-load';
import { baselineAxis } from './grid';
import { unfinishedTable } from './report-unfinished';
import type { RunSummary } from './store';

export interface ReportTables {
  runs: pl.DataFrame;
  variants: pl.DataFrame;
  paired: pl.DataFrame;
  layers: pl.DataFrame;
  /** The runs without summary.json and their progress; empty for a finished sweep. */
  unfinished: pl.DataFrame;
}

const HEADLINE = [
  'testAccuracy',
  'valAccuracy',
  'testLoss',
  'valLoss',
  'trainLoss',
  'trainAccuracy',
  'deadFraction',
  'deadFractionInit',
  'sparsity',
  'resurrectedTotal',
  'sharpness',
  'hessianTop',
  'hessianMin',
  'convexityRatio',
];
const PAIRED = ['deadFraction', 'sparsity', 'sharpness', 'hessianTop'];

export const baselineOf = (r: SweepResults): string => r.spec.baseline ?? r.variants[0];

type FinalLayer = { layer: string; deadFraction: number; sparsity: number; activationProb: number };

function layerRows(summaries: RunSummary[]): LayerRow[] {
  return summaries.flatMap((s) =>
    ((s.final.layers as FinalLayer[] | undefined) ?? []).map((l, index) => ({
      variant: s.variant,
      seed: s.seed,
      layer: l.layer,
      index,
      deadFraction: l.deadFraction,
      sparsity: l.sparsity,
      activationProb: l.activationProb,
    })),
  );
}

/**
 * The report's tables; statistics are over completed runs, with diverged and failed ones counted beside them,
 * and (for a sweep still running or interrupted) an `unfinished` count in every table, never averaged.
 *
 * @param r the loaded results directory (`loadResults`): its spec, run summaries and variant order
 */
export function reportTables(r: SweepResults): ReportTables {
  const present = new Set(r.summaries.flatMap((s) => Object.keys(scalarMetrics(s))));
  const metrics = [r.spec.metric, ...HEADLINE.filter((m) => m !== r.spec.metric)].filter((m) => present.has(m));
  const paired = [r.spec.metric, ...PAIRED.filter((m) => m !== r.spec.metric)].filter((m) => present.has(m));
  const pending = r.unfinished;
  return {
    runs: runsTable(r.summaries, pending),
    variants: variantTable(r.summaries, metrics, r.variants, pending),
    paired: pairedTable(r.summaries, paired.length ? paired : r.spec.metric, baselineOf(r), baselineAxis(r.spec), pending),
    layers: layerTable(layerRows(r.summaries.filter((s) => s.status === 'completed')), r.variants, statusCounts(r.summaries, pending)),
    unfinished: unfinishedTable(pending, r.variants),
  };
}

/** Marks a Hessian value of a variant whose estimates did not all converge. */
export const UNCONVERGED_MARK = '\u2020';

const fmt = (x: unknown) => (typeof x === 'number' ? (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4)) : '');

// `mean [lo, hi]`, `(n=k)` when only k of the variant's completed runs have the metric, and the mark.
function compactCell(r: Record<string, unknown>, m: string): string {
  if (typeof r[`${m}_mean`] !== 'number') return '';
  const ci = r[`${m}_ci_lo`] === null ? '' : ` [${fmt(r[`${m}_ci_lo`])}, ${fmt(r[`${m}_ci_hi`])}]`;
  const partial = Number(r[`${m}_n`]) < Number(r.n) ? ` (n=${String(r[`${m}_n`])})` : '';
  const mark = HESSIAN_METRICS.includes(m) && Number(r.hessianUnconverged) > 0 ? ` ${UNCONVERGED_MARK}` : '';
  return `${fmt(r[`${m}_mean`])}${ci}${partial}${mark}`;
}

/** The variants table as people read it: counts, then `mean [95% CI]` per headline metric. */
export function compactVariants(df: pl.DataFrame, metrics: string[]): pl.DataFrame {
  const rows = df.toRecords() as Record<string, number | string | null>[];
  const shown = metrics.filter((m) => rows.some((r) => typeof r[`${m}_mean`] === 'number'));
  const landscape = df.columns.includes('hessianUnconverged');
  return pl.DataFrame(
    rows.map((r) => ({
      variant: String(r.variant),
      n: Number(r.n),
      diverged: Number(r.diverged),
      failed: Number(r.failed),
      ...(r.unfinished !== undefined ? { unfinished: Number(r.unfinished) } : {}),
      ...(landscape ? { hessianUnconverged: Number(r.hessianUnconverged) } : {}),
      ...Object.fromEntries(shown.map((m) => [m, compactCell(r, m)])),
    })),
  );
}

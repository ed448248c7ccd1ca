import pl from 'nodejs-polars';
import { mean, pairedTTest } from '@sugar-lab/analysis';
import { axisLabel, baselineAxis } from './grid';
import { metricInterval } from './metric-interval';
import type { SweepResults } from './report-load';
import type { ReportDocument, ReportSection } from './report-render';
import { baselineOf } from './report-tables';
import type { RunSummary } from './store';

/**
 * "Best learning rate per variant": at one small fixed lr, gradient scale alone can separate activations
 * (B-SiLU's derivative reaches 1.29, GELU's is 0.5 at 0), so a sweep with an lr grid is also read with every
 * variant at its own best lr. These tables group the runs by setting (every grid axis but the seed, the
 * baseline axis and the lr), optimizer (its options without the lr) and variant, across the lrs tried.
 */

interface LrPoint {
  setting: string;
  optimizer: string;
  variant: string;
  lr: number;
}

const lower = (metric: string) => /Loss$|^dead/.test(metric);

// `sgd`, `sgd(momentum=0.9,nesterov=true)`: the optimizer's options without its lr.
function optimizerLabel(opt: Record<string, unknown>): string {
  const { name, lr: _lr, ...rest } = opt;
  const opts = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return opts.length ? `${String(name)}(${opts.join(',')})` : String(name);
}

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** Where a run sits on the lr grid; undefined when neither `optimizer.lr` nor `optimizer` values give it an lr. */
function lrPoint(r: SweepResults, s: RunSummary): LrPoint | undefined {
  const axis = baselineAxis(r.spec);
  const base = isObject(r.spec.base.optimizer) ? r.spec.base.optimizer : {};
  const opt = { ...base, ...(isObject(s.point.optimizer) ? s.point.optimizer : {}) };
  const lr = typeof s.point['optimizer.lr'] === 'number' ? s.point['optimizer.lr'] : opt.lr;
  if (typeof lr !== 'number' || !('optimizer' in s.point || 'optimizer.lr' in s.point)) return undefined;
  const others = Object.entries(s.point).filter(([k]) => !['seed', axis, 'optimizer', 'optimizer.lr'].includes(k));
  return {
    setting: others.map(([k, v]) => axisLabel(k, v)).join(' | '),
    optimizer: optimizerLabel(opt),
    variant: axis in s.point ? axisLabel(axis, s.point[axis]) : s.variant,
    lr: lr,
  };
}

interface Cell extends LrPoint {
  runs: RunSummary[];
}

function cells(r: SweepResults): Cell[] {
  const out = new Map<string, Cell>();
  for (const s of r.summaries) {
    const p = lrPoint(r, s);
    if (!p) continue;
    const key = JSON.stringify([p.setting, p.optimizer, p.variant, p.lr]);
    const c = out.get(key) ?? { ...p, runs: [] };
    c.runs.push(s);
    out.set(key, c);
  }
  return [...out.values()];
}

function metricOf(s: RunSummary, m: string): number | undefined {
  const v = s.final[m];
  return s.status === 'completed' && typeof v === 'number' ? v : undefined;
}

function cellStats(c: Cell, metric: string) {
  const runs = c.runs.filter((s) => metricOf(s, metric) !== undefined);
  const values = runs.map((s) => metricOf(s, metric)!);
  const ci = metricInterval(metric, runs);
  const lost = c.runs.filter((s) => s.status !== 'completed').length;
  return { n: values.length, lost, mean: values.length ? mean(values) : null, ci_lo: ci?.lo ?? null, ci_hi: ci?.hi ?? null };
}

/**
 * One row per setting, optimizer, variant and lr: completed runs (n), runs lost to divergence or failure,
 * and the mean and 95% interval (`metricInterval`: Wilson for fractions) of `metric` (default the spec's) over the completed runs.
 *
 * @param r the loaded results directory (`loadResults`): its spec, run summaries and variant order
 * @param metric the summary metric to average (`'testAccuracy'`, `'deadFraction'`, ...); default the spec's `metric`
 */
export function lrGridTable(r: SweepResults, metric = r.spec.metric): pl.DataFrame {
  const order = (c: Cell) => r.variants.findIndex((v) => v.split(' | ').includes(c.variant));
  const rows = cells(r)
    .sort((a, b) => a.setting.localeCompare(b.setting) || a.optimizer.localeCompare(b.optimizer) || order(a) - order(b) || a.lr - b.lr)
    .map((c) => ({ setting: c.setting, optimizer: c.optimizer, variant: c.variant, lr: c.lr, metric, ...cellStats(c, metric) }));
  return rows.length ? pl.DataFrame(rows) : pl.DataFrame({ variant: [] as string[] });
}

/** The best cell of a variant: highest mean (lowest for losses and dead fractions) among lrs where no run was lost. */
function best(group: Cell[], metric: string): Cell | undefined {
  const sign = lower(metric) ? -1 : 1;
  let top: { c: Cell; m: number } | undefined;
  for (const c of group) {
    const s = cellStats(c, metric);
    if (s.lost || s.mean === null) continue;
    if (!top || sign * s.mean > sign * top.m) top = { c, m: s.mean };
  }
  return top?.c;
}

// Variant minus baseline, paired by seed over seeds where both completed.
function paired(a: Cell | undefined, b: Cell | undefined, metric: string): { diff: number | null; lo: number | null; hi: number | null; p: number | null } {
  const none = { diff: null, lo: null, hi: null, p: null };
  if (!a || !b) return none;
  const bySeed = new Map(b.runs.map((s) => [s.seed, metricOf(s, metric)]));
  const pairs = a.runs.flatMap((s) => {
    const x = metricOf(s, metric);
    const y = bySeed.get(s.seed);
    return x === undefined || y === undefined ? [] : [[x, y]];
  });
  if (pairs.length < 2) return pairs.length ? { ...none, diff: pairs[0][0] - pairs[0][1] } : none;
  const t = pairedTTest(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  return { diff: t.meanDiff, lo: t.ci.lo, hi: t.ci.hi, p: Number.isFinite(t.p) ? t.p : null };
}

/**
 * The lr the paper's recipe uses: the spec's base optimizer's; undefined when the base sets none.
 *
 * @param r the loaded results directory (`loadResults`): its spec, run summaries and variant order
 */
export function referenceLr(r: SweepResults): number | undefined {
  const opt = r.spec.base.optimizer;
  return isObject(opt) && typeof opt.lr === 'number' ? opt.lr : undefined;
}

/**
 * Per setting, optimizer (with at least two lrs) and variant: the metric at the reference lr (`referenceLr`)
 * and at the variant's own best lr (an lr where a run diverged or failed is not eligible), and the paired
 * difference to the baseline variant at the reference lr and with each at its own best lr.
 *
 * @param r the loaded results directory (`loadResults`): its spec, run summaries and variant order
 * @param metric the summary metric compared (higher is better, except losses and dead fractions); default the
 *   spec's `metric`
 */
export function bestLrTable(r: SweepResults, metric = r.spec.metric): pl.DataFrame {
  const ref = referenceLr(r);
  const baseline = baselineOf(r).split(' | ').pop()!;
  const all = cells(r);
  const groups = new Map<string, Cell[]>();
  for (const c of all) {
    const key = JSON.stringify([c.setting, c.optimizer, c.variant]);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const grid = lrGridTable(r, metric).toRecords() as { setting: string; optimizer: string; variant: string }[];
  const rows = [...new Set(grid.map((g) => JSON.stringify([g.setting, g.optimizer, g.variant])))].flatMap((key) => {
    const group = groups.get(key)!;
    if (group.length < 2) return [];
    const [setting, optimizer, variant] = JSON.parse(key) as string[];
    const base = groups.get(JSON.stringify([setting, optimizer, baseline])) ?? [];
    const at = (g: Cell[], lr: number | undefined) => g.find((c) => c.lr === lr);
    const mine = best(group, metric);
    const refCell = at(group, ref);
    const rs = refCell ? cellStats(refCell, metric) : undefined;
    const bs = mine ? cellStats(mine, metric) : undefined;
    const isBase = variant === baseline;
    const atRef = isBase ? undefined : paired(refCell, at(base, ref), metric);
    const atBest = isBase ? undefined : paired(mine, best(base, metric), metric);
    return [
      {
        setting,
        optimizer,
        variant,
        metric,
        lrs: group
          .map((c) => c.lr)
          .sort((a, b) => a - b)
          .join(', '),
        lost: group.reduce((n, c) => n + cellStats(c, metric).lost, 0),
        refLr: ref ?? null,
        ref_n: rs?.n ?? null,
        ref_mean: rs?.mean ?? null,
        ref_ci_lo: rs?.ci_lo ?? null,
        ref_ci_hi: rs?.ci_hi ?? null,
        bestLr: mine?.lr ?? null,
        best_n: bs?.n ?? null,
        best_mean: bs?.mean ?? null,
        best_ci_lo: bs?.ci_lo ?? null,
        best_ci_hi: bs?.ci_hi ?? null,
        refDiff: atRef?.diff ?? null,
        refDiff_p: atRef?.p ?? null,
        bestDiff: atBest?.diff ?? null,
        bestDiff_ci_lo: atBest?.lo ?? null,
        bestDiff_ci_hi: atBest?.hi ?? null,
        bestDiff_p: atBest?.p ?? null,
      },
    ];
  });
  return rows.length ? pl.DataFrame(rows) : pl.DataFrame({ variant: [] as string[] });
}

const f4 = (x: unknown) => (typeof x === 'number' ? x.toFixed(4) : '');
const signed = (x: unknown) => (typeof x === 'number' ? `${x >= 0 ? '+' : ''}${x.toFixed(4)}` : '');
const withCi = (m: unknown, lo: unknown, hi: unknown) => (typeof m !== 'number' ? '' : `${f4(m)}${typeof lo === 'number' ? ` [${f4(lo)}, ${f4(hi)}]` : ''}`);
const pText = (p: unknown) => (typeof p === 'number' ? ` (p=${p < 0.001 ? p.toExponential(1) : p.toFixed(3)})` : '');

/** A learning rate cell: the number as written, '-' where there is none. */
const lrText = (lr: unknown): string => (typeof lr === 'number' || typeof lr === 'string' ? String(lr) : '-');

/**
 * The best-lr table as people read it: `mean [95% CI]` cells and signed paired differences with p.
 *
 * @param df a table from `bestLrTable`
 * @param baseline the baseline variant's label, as the difference columns' headers name it (default 'baseline')
 */
export function compactBestLr(df: pl.DataFrame, baseline = 'baseline'): pl.DataFrame {
  const rows = df.toRecords() as Record<string, unknown>[];
  return pl.DataFrame(
    rows.map((r) => ({
      setting: String(r.setting),
      optimizer: String(r.optimizer),
      variant: String(r.variant),
      [`at lr ${lrText(r.refLr)}`]: withCi(r.ref_mean, r.ref_ci_lo, r.ref_ci_hi),
      'best lr': r.bestLr === null ? 'none (every lr lost a run)' : lrText(r.bestLr),
      'at best lr': withCi(r.best_mean, r.best_ci_lo, r.best_ci_hi),
      [`vs ${baseline} at lr ${lrText(r.refLr)}`]: r.refDiff === null ? '' : `${signed(r.refDiff)}${pText(r.refDiff_p)}`,
      [`vs ${baseline}, each at its best lr`]:
        r.bestDiff === null
          ? ''
          : `${signed(r.bestDiff)}${typeof r.bestDiff_ci_lo === 'number' ? ` [${signed(r.bestDiff_ci_lo)}, ${signed(r.bestDiff_ci_hi)}]` : ''}${pText(r.bestDiff_p)}`,
      lost: Number(r.lost),
    })),
  );
}

/** The report section, or undefined when the sweep has no optimizer with two or more lrs. */
export function bestLrSection(r: SweepResults, table = bestLrTable(r)): ReportSection | undefined {
  if (!table.height) return undefined;
  const ref = referenceLr(r);
  return {
    title: 'Best learning rate',
    note: [
      'Each variant at the reference lr (the base optimizer\u2019s',
      ...(ref === undefined ? [] : [', ', { code: `lr ${ref}` }]),
      ') and at the lr of its optimizer\u2019s grid with the best mean ',
      { code: String(table.getColumn('metric').toArray()[0]) },
      ' over seeds; an lr where a run diverged or failed is not eligible (lost: such runs over all lrs). Paired differences are variant minus ',
      { code: baselineOf(r) },
      ' by seed: at the reference lr, and with each at its own best lr. The best lr is picked on the reported metric itself, the same optimistic selection for every variant (lr-grid.csv: every lr).',
    ],
    table: compactBestLr(table, baselineOf(r)),
  };
}

/** The lr tables for the report's files (`lr-grid`, `best-lr`); empty when the sweep has no lr grid. */
export function lrTables(r: SweepResults): Record<string, pl.DataFrame> {
  const best = bestLrTable(r);
  return best.height ? { 'lr-grid': lrGridTable(r), 'best-lr': best } : {};
}

/** The document with the best-lr section after the paired differences (unchanged without an lr grid). */
export function withBestLrSection(doc: ReportDocument, r: SweepResults): ReportDocument {
  const section = bestLrSection(r);
  if (!section) return doc;
  const at = doc.sections.findIndex((s) => s.title.startsWith('Paired'));
  const sections = [...doc.sections];
  sections.splice(at < 0 ? sections.length : at + 1, 0, section);
  return { ...doc, sections };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import pl from 'nodejs-polars';
import {
  accuracyBars,
  assignVariantColors,
  closeRenderer,
  deadUnitsFigure,
  plotlyScriptTag,
  plotlyVersion,
  sparsityFigure,
  toHTMLFragment,
  toPNG,
  trainingCurves,
  type Figure,
} from '@sugar-lab/plots';
import type { EpochMetrics } from '@sugar-lab/train';
import { layerTable, pairedTable, runsTable, scalarMetrics, variantTable, type LayerRow } from './aggregate';
import { readJSON, writeFileAtomic } from './atomic';
import { expandGrid } from './grid';
import { toMarkdown } from './markdown';
import { epochScalars } from './run-one';
import { parseSpec, type Spec } from './spec';
import { ResultsStore, type RunSummary } from './store';

export interface SweepResults {
  dir: string;
  spec: Spec;
  summaries: RunSummary[];
  /** Variants in spec order (the baseline first where the spec puts it first). */
  variants: string[];
  /** Per run id, its per-epoch scalars as logged. */
  curves: Map<string, CurvePoint[]>;
}

export interface CurvePoint {
  epoch: number;
  scalars: Record<string, number>;
  layers: { layer: string; deadFraction: number }[];
}

function readCurves(file: string): CurvePoint[] {
  if (!fs.existsSync(file)) return [];
  const out: CurvePoint[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let m: EpochMetrics & { type?: string };
    try {
      m = JSON.parse(line) as EpochMetrics & { type?: string };
    } catch {
      continue; // a line cut by a crash mid-write; the epoch was redone after resume
    }
    if (m.type !== undefined && m.type !== 'epoch') continue;
    out.push({ epoch: m.epoch, scalars: epochScalars(m), layers: (m.probes?.layers ?? []).map((l) => ({ layer: l.layer, deadFraction: l.deadFraction })) });
  }
  // After a resume the log may repeat epochs; the last record of an epoch wins.
  return [...new Map(out.map((r) => [r.epoch, r])).values()].sort((a, b) => a.epoch - b.epoch);
}

/** Everything a report needs from a results directory. */
export function loadResults(dir: string): SweepResults {
  const raw = readJSON<unknown>(path.join(dir, 'spec.json'));
  if (!raw) throw new Error(`${dir} is not a results directory (expected ${path.join(dir, 'spec.json')}, written by sugar run)`);
  const spec = parseSpec(raw, path.join(dir, 'spec.json'));
  const store = new ResultsStore(dir);
  const summaries = store.summaries();
  if (!summaries.length) throw new Error(`no finished runs in ${dir} yet (runs/*/summary.json); run or resume the sweep first`);
  const variants = [...new Set([...expandGrid(spec).map((r) => r.variant), ...summaries.map((s) => s.variant)])];
  summaries.sort((a, b) => variants.indexOf(a.variant) - variants.indexOf(b.variant) || a.seed - b.seed);
  const curves = new Map(summaries.map((s) => [s.id, readCurves(path.join(store.runDir(s.id), 'metrics.jsonl'))]));
  return { dir, spec, summaries, variants, curves };
}

export interface ReportTables {
  runs: pl.DataFrame;
  variants: pl.DataFrame;
  paired: pl.DataFrame;
  layers: pl.DataFrame;
}

const HEADLINE = ['testAccuracy', 'valAccuracy', 'testLoss', 'valLoss', 'trainLoss', 'trainAccuracy', 'deadFraction', 'deadFractionInit', 'sparsity', 'resurrectedTotal', 'sharpness', 'hessianTop', 'hessianMin', 'convexityRatio'];

function baselineAxis(spec: Spec): string {
  const axes = Object.keys(spec.grid).filter((k) => k !== 'seed');
  return axes.includes('activation') ? 'activation' : (axes[0] ?? 'activation');
}

export function reportTables(r: SweepResults): ReportTables {
  const present = new Set(r.summaries.flatMap((s) => Object.keys(scalarMetrics(s))));
  const metrics = [r.spec.metric, ...HEADLINE.filter((m) => m !== r.spec.metric)].filter((m) => present.has(m));
  const baseline = r.spec.baseline ?? r.variants[0];
  const axis = baselineAxis(r.spec);
  const paired = [r.spec.metric, 'deadFraction', 'sparsity', 'sharpness', 'hessianTop']
    .filter((m) => present.has(m))
    .map((m) => pairedTable(r.summaries, m, baseline, axis))
    .filter((df) => df.height > 0);
  const layerRows: LayerRow[] = r.summaries.flatMap((s) =>
    ((s.final.layers as { layer: string; deadFraction: number; sparsity: number; activationProb: number }[] | undefined) ?? []).map((l, index) => ({
      variant: s.variant,
      seed: s.seed,
      layer: l.layer,
      index,
      deadFraction: l.deadFraction,
      sparsity: l.sparsity,
      activationProb: l.activationProb,
    })),
  );
  return {
    runs: runsTable(r.summaries),
    variants: variantTable(r.summaries, metrics, r.variants),
    paired: paired.length ? paired.reduce((a, b) => a.vstack(b)) : pairedTable([], r.spec.metric, baseline, axis),
    layers: layerTable(layerRows, r.variants),
  };
}

/** The report's figures, in page order. */
export function reportFigures(r: SweepResults, tables: ReportTables): { name: string; fig: Figure }[] {
  const figs: { name: string; fig: Figure }[] = [];
  const metric = r.spec.metric;
  assignVariantColors(r.variants); // spec order, so the baseline keeps its color across figures
  const rows = tables.variants.toRecords() as Record<string, number | string | null>[];
  if (rows.length && rows[0][`${metric}_mean`] !== undefined) {
    figs.push({
      name: 'metric-by-variant',
      fig: accuracyBars(
        rows
          .filter((v) => typeof v[`${metric}_mean`] === 'number')
          .map((v) => ({
            variant: String(v.variant),
            mean: v[`${metric}_mean`] as number,
            low: (v[`${metric}_ci_lo`] as number | null) ?? undefined,
            high: (v[`${metric}_ci_hi`] as number | null) ?? undefined,
            values: r.summaries.filter((s) => s.variant === v.variant && typeof s.final[metric] === 'number').map((s) => s.final[metric] as number),
          })),
        { metric, title: `${metric} per variant (mean, 95% CI, seeds)` },
      ),
    });
  }
  const curveFig = (key: string, title: string) => {
    const runs = r.summaries
      .map((s) => {
        const pts = (r.curves.get(s.id) ?? []).filter((p) => typeof p.scalars[key] === 'number');
        return { variant: s.variant, seed: s.seed, epochs: pts.map((p) => p.epoch), values: pts.map((p) => p.scalars[key]) };
      })
      .filter((x) => x.epochs.length > 0);
    if (runs.length) figs.push({ name: `curve-${key}`, fig: trainingCurves(runs, { metric: key, title, band: 'minmax' }) });
  };
  curveFig(metric, `${metric} over epochs (mean and min-max over seeds)`);
  curveFig('trainLoss', 'training loss over epochs');
  curveFig('deadFraction', 'dead-unit fraction over epochs (all activation layers)');
  const layerRows = tables.layers.toRecords() as Record<string, number | string>[];
  if (layerRows.length) {
    figs.push({
      name: 'dead-by-layer',
      fig: sparsityFigure(layerRows.map((l) => ({ variant: String(l.variant), layer: String(l.layer), sparsity: Number(l.deadFraction) })), {
        title: 'dead-unit fraction per layer at the end of training (mean over seeds)',
        yLabel: 'dead fraction',
      }),
    });
    figs.push({
      name: 'sparsity-by-layer',
      fig: sparsityFigure(layerRows.map((l) => ({ variant: String(l.variant), layer: String(l.layer), sparsity: Number(l.sparsity) })), {
        title: 'activation sparsity per layer at the end of training (mean over seeds)',
      }),
    });
    // Dead units per layer over epochs: mean over seeds, one heatmap panel per variant.
    const series = new Map<string, { layer: string; variant: string; byEpoch: Map<number, number[]> }>();
    for (const s of r.summaries) {
      for (const p of r.curves.get(s.id) ?? []) {
        for (const l of p.layers) {
          const key = `${s.variant}\u0000${l.layer}`;
          const e = series.get(key) ?? { layer: l.layer, variant: s.variant, byEpoch: new Map<number, number[]>() };
          e.byEpoch.set(p.epoch, [...(e.byEpoch.get(p.epoch) ?? []), l.deadFraction]);
          series.set(key, e);
        }
      }
    }
    if (series.size) {
      figs.push({
        name: 'dead-units-over-epochs',
        fig: deadUnitsFigure(
          [...series.values()].map((e) => {
            const epochs = [...e.byEpoch.keys()].sort((a, b) => a - b);
            return { layer: e.layer, variant: e.variant, epochs, fraction: epochs.map((ep) => e.byEpoch.get(ep)!.reduce((a, b) => a + b, 0) / e.byEpoch.get(ep)!.length) };
          }),
          { mode: 'heatmap', title: 'dead-unit fraction per layer over epochs (mean over seeds)' },
        ),
      });
    }
  }
  return figs;
}

function htmlTable(df: pl.DataFrame): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const md = toMarkdown(df).split('\n');
  const cells = (line: string) => line.slice(2, -2).split(' | ');
  const head = cells(md[0]).map((c) => `<th>${esc(c)}</th>`).join('');
  const body = md.slice(2).map((l) => `<tr>${cells(l).map((c) => `<td>${esc(c.replace(/\\\|/g, '|'))}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** The variants table as people read it: `mean [95% CI]` per headline metric. */
export function compactVariants(df: pl.DataFrame, metrics: string[]): pl.DataFrame {
  const rows = df.toRecords() as Record<string, number | string | null>[];
  const f = (x: number | string | null | undefined) => (typeof x === 'number' ? (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4)) : '');
  const shown = metrics.filter((m) => rows.some((r) => typeof r[`${m}_mean`] === 'number'));
  return pl.DataFrame(
    rows.map((r) => ({
      variant: String(r.variant),
      n: Number(r.n),
      diverged: Number(r.diverged),
      ...Object.fromEntries(shown.map((m) => [m, r[`${m}_ci_lo`] === null ? f(r[`${m}_mean`]) : `${f(r[`${m}_mean`])} [${f(r[`${m}_ci_lo`])}, ${f(r[`${m}_ci_hi`])}]`])),
    })),
  );
}

export interface ReportOptions {
  /** Also render every figure to PNG through headless Chromium. */
  png?: boolean;
  /** Where the report goes (default DIR/report). */
  outDir?: string;
}

export interface ReportFiles {
  dir: string;
  html: string;
  markdown: string;
  files: string[];
}

/** Writes tables (CSV, Parquet, Markdown), a self-contained HTML report and optionally PNG figures. */
export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<ReportFiles> {
  const results = loadResults(dir);
  const tables = reportTables(results);
  const out = opts.outDir ?? path.join(dir, 'report');
  fs.mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (const [name, df] of Object.entries(tables) as [string, pl.DataFrame][]) {
    if (!df.height) continue;
    const csv = path.join(out, `${name}.csv`);
    const parquet = path.join(out, `${name}.parquet`);
    df.writeCSV(csv);
    df.writeParquet(parquet);
    files.push(csv, parquet);
  }
  const { spec, summaries } = results;
  const counts = ['completed', 'diverged', 'failed'].map((s) => `${summaries.filter((x) => x.status === s).length} ${s}`).join(', ');
  const headline = [spec.metric, ...['testLoss', 'deadFraction', 'sparsity', 'resurrectedTotal', 'sharpness', 'hessianTop', 'convexityRatio'].filter((m) => m !== spec.metric)];
  const sections: [string, pl.DataFrame, string][] = [
    ['Variants', tables.variants.height ? compactVariants(tables.variants, headline) : tables.variants, `Mean and [95% Student-t interval] over seeds of the final metrics (every metric with its std: variants.csv).`],
    ['Paired differences to the baseline', tables.paired, `Variant minus \`${spec.baseline ?? results.variants[0]}\`, paired by seed (and every other grid axis); two-sided paired t-test.`],
    ['Per layer', tables.layers, 'Dead-unit fraction (never positive on the probe set), sparsity (exact zeros after the activation) and activation probability, at the end of training, mean over seeds.'],
    ['Runs', tables.runs, 'One row per run.'],
  ];
  const md = [
    `# ${spec.name}`,
    '',
    spec.description ?? '',
    '',
    `${summaries.length} runs: ${counts}. Headline metric: \`${spec.metric}\`.`,
    '',
    ...sections.flatMap(([title, df, note]) => (df.height ? [`## ${title}`, '', note, '', toMarkdown(df), ''] : [])),
  ].join('\n');
  const markdown = path.join(out, 'report.md');
  writeFileAtomic(markdown, md);
  files.push(markdown);

  const figs = reportFigures(results, tables);
  const pngs = new Map<string, Buffer>();
  if (opts.png) {
    try {
      fs.mkdirSync(path.join(out, 'figures'), { recursive: true });
      for (const { name, fig } of figs) {
        const png = await toPNG(fig, { width: 1000, height: name === 'dead-units-over-epochs' ? 900 : 500 });
        pngs.set(name, png);
        const file = path.join(out, 'figures', `${name}.png`);
        fs.writeFileSync(file, png);
        files.push(file);
      }
    } finally {
      await closeRenderer();
    }
  }
  const html = [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${spec.name}: sugar-lab report</title>`,
    `<!-- plotly.js ${plotlyVersion()} inlined: this page works offline -->`,
    plotlyScriptTag(),
    '<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}</style>',
    '</head><body>',
    `<h1>${spec.name}</h1><p>${spec.description ?? ''}</p><p>${summaries.length} runs: ${counts}. Headline metric: <code>${spec.metric}</code>.</p>`,
    ...figs.map(({ name, fig }) => toHTMLFragment(fig, { fallbackPng: pngs.get(name) })),
    ...sections.flatMap(([title, df, note]) => (df.height ? [`<h2>${title}</h2><p>${note}</p>`, htmlTable(df)] : [])),
    '</body></html>',
  ].join('\n');
  const htmlFile = path.join(out, 'report.html');
  writeFileAtomic(htmlFile, html);
  files.push(htmlFile);
  return { dir: out, html: htmlFile, markdown, files };
}

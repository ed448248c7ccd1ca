import * as fs from 'node:fs';
import * as path from 'node:path';
import pl from 'nodejs-polars';
import { writeFileAtomic } from '@sugar-lab/core';
import { closeRenderer, plotlyScriptTag, plotlyVersion, toHTMLFragment, toPNG } from '@sugar-lab/plots';
import { hessianUnconverged } from './aggregate';
import { withBestLrSection, lrTables } from './report-best-lr';
import { reportDocument, withIncompleteNotes } from './report-document';
import { loadResultsPlugins } from './plugins';
import { reportFigures, type NamedFigure } from './report-figures';
import { loadResults, type SweepResults } from './report-load';
import { renderHTML, renderMarkdown } from './report-render';
import { reportTables, UNCONVERGED_MARK } from './report-tables';

export interface ReportOptions {
  /** Also render every figure to PNG through headless Chromium. */
  png?: boolean;
  /** Where the report goes (default DIR/report). */
  outDir?: string;
  /** Plugins to load besides those the sweep's spec.json records (`--require`). */
  require?: readonly string[];
}

export interface ReportFiles {
  dir: string;
  html: string;
  markdown: string;
  files: string[];
  /** What a reader of the tables must know: runs left out of the statistics, unconverged estimates. */
  warnings: string[];
}

function reportWarnings(r: SweepResults): string[] {
  const count = (status: string) => r.summaries.filter((s) => s.status === status).length;
  const [diverged, failed] = [count('diverged'), count('failed')];
  const unconverged = r.summaries.filter((s) => s.status === 'completed' && hessianUnconverged(s)).length;
  const k = r.unfinished.length;
  return [
    ...(k ? [`incomplete sweep: ${k} of ${k + r.summaries.length} runs have not finished; they are listed and counted, not averaged`] : []),
    ...(diverged + failed ? [`${diverged} diverged and ${failed} failed runs are counted in the tables, not averaged`] : []),
    ...(unconverged ? [`${unconverged} completed runs have Hessian estimates that did not converge (flagged ${UNCONVERGED_MARK} in the report)`] : []),
  ];
}

// Every table file of an incomplete sweep says so: tables without their own `unfinished` count (or status) carry
// the sweep's count of unfinished runs as a column.
function markIncomplete(tables: Record<string, pl.DataFrame>, unfinished: number): Record<string, pl.DataFrame> {
  if (!unfinished) return tables;
  const own = (name: string, df: pl.DataFrame) => name === 'runs' || name === 'unfinished' || df.columns.includes('unfinished');
  return Object.fromEntries(
    Object.entries(tables).map(([name, df]) => [
      name,
      own(name, df) || !df.height ? df : df.withColumns(pl.lit(unfinished).cast(pl.Int64).alias('sweepUnfinished')),
    ]),
  );
}

function writeTables(tables: Record<string, pl.DataFrame>, out: string): string[] {
  return Object.entries(tables).flatMap(([name, df]) => {
    if (!df.height) return [];
    const csv = path.join(out, `${name}.csv`);
    const parquet = path.join(out, `${name}.parquet`);
    // Whole or absent, as every report file: polars writing straight to the path leaves a part on a full disk.
    writeFileAtomic(csv, df.writeCSV());
    writeFileAtomic(parquet, df.writeParquet());
    return [csv, parquet];
  });
}

async function writePNGs(figs: NamedFigure[], out: string): Promise<Map<string, { png: Buffer; file: string }>> {
  const pngs = new Map<string, { png: Buffer; file: string }>();
  try {
    fs.mkdirSync(path.join(out, 'figures'), { recursive: true });
    for (const { name, fig } of figs) {
      const png = await toPNG(fig, { width: 1000, height: name === 'dead-units-over-epochs' ? 900 : 500 });
      const file = path.join(out, 'figures', `${name}.png`);
      writeFileAtomic(file, png);
      pngs.set(name, { png, file });
    }
  } finally {
    await closeRenderer();
  }
  return pngs;
}

/**
 * Writes tables (CSV, Parquet, Markdown), a self-contained HTML report and optionally PNG figures.
 *
 * @param dir the results directory to report (a sweep's `--out`), finished or not
 * @param opts `png` to render figures through headless Chromium (default off), `outDir` (default DIR/report) and
 *   `require`, plugins to load besides those the spec records
 */
export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<ReportFiles> {
  const pluginNotes = await loadResultsPlugins(dir, opts.require);
  const results = loadResults(dir);
  const tables = reportTables(results);
  const out = opts.outDir ?? path.join(dir, 'report');
  fs.mkdirSync(out, { recursive: true });
  const files = writeTables(markIncomplete({ ...tables, ...lrTables(results) }, results.unfinished.length), out);
  const doc = withIncompleteNotes(withBestLrSection(reportDocument(results, tables), results), results, tables);
  const markdown = path.join(out, 'report.md');
  writeFileAtomic(markdown, renderMarkdown(doc));
  files.push(markdown);

  const figs = reportFigures(results, tables);
  const pngs = opts.png ? await writePNGs(figs, out) : new Map<string, { png: Buffer; file: string }>();
  files.push(...[...pngs.values()].map((p) => p.file));
  const html = renderHTML(doc, {
    head: [`<!-- plotly.js ${plotlyVersion()} inlined: this page works offline -->`, plotlyScriptTag()],
    figures: figs.map(({ name, fig }) => toHTMLFragment(fig, { fallbackPng: pngs.get(name)?.png })),
  });
  const htmlFile = path.join(out, 'report.html');
  writeFileAtomic(htmlFile, html);
  files.push(htmlFile);
  return { dir: out, html: htmlFile, markdown, files, warnings: [...pluginNotes, ...reportWarnings(results)] };
}

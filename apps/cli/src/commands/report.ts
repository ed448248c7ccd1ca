import * as path from 'node:path';
import type { Command } from 'commander';
import { shellQuote, writeReport } from '@sugar-lab/experiments';
import { rethrowWriteFailure } from '../write-failure';
import { collectPlugins, REQUIRE_HELP } from './run';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'aggregate a results directory: tables (CSV, Parquet, Markdown), an offline HTML report, optional PNG figures; statistics over completed runs, diverged/failed ones counted; the unfinished runs of a running or interrupted sweep are listed with their progress, counted, never averaged; refuses runs of different configs under one label',
    )
    .argument('<dir>', 'results directory written by sugar run')
    .option('--out <dir>', 'where the report goes (default: DIR/report)')
    .option('--png', 'also render each figure to PNG with headless Chromium')
    .option('--require <plugin>', `${REQUIRE_HELP} (besides the plugins the sweep's spec.json records)`, collectPlugins, [])
    .action(async (dir: string, o: { out?: string; png?: boolean; require: string[] }) => {
      const files = await writeReport(path.resolve(dir), { png: o.png, outDir: o.out && path.resolve(o.out), require: o.require }).catch(
        rethrowWriteFailure(path.resolve(dir), `rerun \`sugar report ${shellQuote(dir)}\``),
      );
      for (const w of files.warnings) console.error(`note: ${w}`);
      console.log(`report: ${files.html}\ntables: ${files.markdown} (+ CSV and Parquet in ${files.dir})`);
    });
}

import * as path from 'node:path';
import type { Command } from 'commander';
import { writeReport } from '@sugar-lab/experiments';

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('aggregate a results directory: tables (CSV, Parquet, Markdown), an offline HTML report, optional PNG figures; statistics over completed runs, diverged/failed ones counted; refuses runs of different configs under one label')
    .argument('<dir>', 'results directory written by sugar run')
    .option('--out <dir>', 'where the report goes (default: DIR/report)')
    .option('--png', 'also render each figure to PNG with headless Chromium')
    .action(async (dir: string, o: { out?: string; png?: boolean }) => {
      const files = await writeReport(path.resolve(dir), { png: o.png, outDir: o.out && path.resolve(o.out) });
      for (const w of files.warnings) console.error(`note: ${w}`);
      console.log(`report: ${files.html}\ntables: ${files.markdown} (+ CSV and Parquet in ${files.dir})`);
    });
}

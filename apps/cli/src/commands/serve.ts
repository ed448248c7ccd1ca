import * as path from 'node:path';
import type { Command } from 'commander';
import { serveDashboard } from '@sugar-lab/experiments';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .alias('dashboard')
    .description(
      'a local web page for a results directory, finished or running: a sortable, filterable runs table, curves per variant with seed bands and dead units per layer that update while the sweep runs, and a page per run (config, curves, checkpoints); offline (plotly.js is served from this installation)',
    )
    .argument('<dir>', 'results directory written by sugar run')
    .option('--port <n>', 'port (default: any free one)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: expected an integer from 0 to 65535; found ${JSON.stringify(v)}`);
      return n;
    })
    .option('--host <address>', 'address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 offers it to the network)', '127.0.0.1')
    .action(async (dir: string, o: { port?: number; host: string }) => {
      const d = await serveDashboard(path.resolve(dir), { port: o.port, host: o.host });
      console.log(`dashboard for ${path.resolve(dir)}: ${d.url} (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await d.close();
    });
}

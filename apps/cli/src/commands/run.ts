import * as path from 'node:path';
import type { Command } from 'commander';
import type { BackendName } from '@sugar-lab/core';
import { emitSlurm, resolveSpec, runSingle, runSweep, writeReport, type SweepEvent } from '@sugar-lab/experiments';
import { SweepProgress } from '../progress';

interface RunOpts {
  out?: string;
  workers?: string;
  resume?: boolean;
  only?: string;
  backend?: BackendName;
  emit?: string;
  report?: boolean;
  png?: boolean;
  partition?: string;
  time?: string;
  cpus?: string;
}

export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('run an ablation spec (a YAML/JSON file or a preset: quick, dying-relu, paper-cifar10, paper-cifar100)')
    .argument('<spec>', 'spec file or preset name')
    .option('--out <dir>', 'results directory (default: runs/<spec name>)')
    .option('--workers <n>', 'worker processes (default: 1 on tensorflow, one per core on wasm/cpu)')
    .option('--resume', 'continue a sweep in --out: finished runs are kept, interrupted ones continue from their checkpoints')
    .option('--only <filter>', 'run a subset: comma-separated terms like activation=relu, seed=0, a run id prefix or variant text')
    .option('--backend <name>', 'tensorflow, wasm or cpu (default: the fastest that loads)')
    .option('--report', 'write the report (sugar report) when the sweep ends')
    .option('--png', 'with --report: also static PNG figures')
    .option('--emit <target>', 'write a scheduler script instead of running: slurm')
    .option('--partition <name>', 'with --emit slurm: the partition')
    .option('--time <hh:mm:ss>', 'with --emit slurm: the time limit per run', '24:00:00')
    .option('--cpus <n>', 'with --emit slurm: cpus per task', '4')
    .action(async (specArg: string, o: RunOpts) => {
      const spec = resolveSpec(specArg);
      const out = path.resolve(o.out ?? path.join('runs', spec.name));
      if (o.emit) {
        if (o.emit !== 'slurm') throw new Error(`--emit supports 'slurm'; found '${o.emit}'`);
        const { script, runs } = emitSlurm(spec, { out, only: o.only, partition: o.partition, time: o.time, cpusPerTask: Number(o.cpus) });
        console.log(`wrote ${script} (${runs} array tasks)\nsubmit: sbatch ${script}\nthen:   sugar report ${out}`);
        return;
      }
      const workers = o.workers === undefined ? undefined : Number(o.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new Error(`--workers must be a positive integer; found '${o.workers}'`);
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts === 1) {
          console.error('\nstopping: running runs finish their current epoch and checkpoint (Ctrl-C again to kill)');
          controller.abort();
        } else process.exit(130);
      };
      process.on('SIGINT', onSigint);
      const progress = new SweepProgress(spec.name, process.stderr);
      const result = await runSweep(spec, {
        out,
        workers,
        resume: o.resume,
        only: o.only,
        backend: o.backend,
        signal: controller.signal,
        onEvent: (e: SweepEvent) => progress.update(e),
      }).finally(() => {
        process.off('SIGINT', onSigint);
        progress.done();
      });
      console.log(
        `${spec.name}: ${result.completed} completed, ${result.diverged} diverged, ${result.failed} failed, ${result.skipped} already done` +
          (result.interrupted ? `, ${result.interrupted} interrupted (rerun with --resume)` : '') +
          ` -> ${out}`,
      );
      if (o.report && !controller.signal.aborted) {
        const files = await writeReport(out, { png: o.png });
        console.log(`report: ${files.html}`);
      } else if (!controller.signal.aborted) console.log(`next: sugar report ${out}`);
      if (result.failed || controller.signal.aborted) process.exitCode = 1;
    });

  program
    .command('run-one')
    .description('run (or resume) one run of a results directory by id: what each Slurm array task calls')
    .argument('<dir>', 'results directory written by `sugar run --emit slurm`')
    .argument('<id>', 'run id (a line of DIR/run-ids.txt)')
    .option('--backend <name>', 'tensorflow, wasm or cpu')
    .action(async (dir: string, id: string, o: { backend?: BackendName }) => {
      const summary = await runSingle(path.resolve(dir), id, { backend: o.backend });
      console.log(summary ? `${id}: ${summary.status}` : `${id}: interrupted`);
      if (!summary || summary.status === 'failed') process.exitCode = 1;
    });
}

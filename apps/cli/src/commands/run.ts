import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { BACKENDS, didYouMean, type BackendName } from '@sugar-lab/core';
import {
  emitSlurm,
  loadSpec,
  ResultsStore,
  runIdOfTask,
  runSingle,
  runSweep,
  shellQuote,
  writeReport,
  type Spec,
  type SweepEvent,
} from '@sugar-lab/experiments';
import { interruptOnSignals } from '@sugar-lab/train';
import { SweepProgress } from '../progress';
import { rethrowWriteFailure, writeFailureMessage, writeFailureOf, type WriteFailure } from '../write-failure';

interface RunOpts {
  out?: string;
  workers?: string;
  /** false with --no-pack. */
  pack: boolean;
  resume?: boolean;
  extend?: boolean;
  only?: string;
  backend?: BackendName;
  emit?: string;
  report?: boolean;
  png?: boolean;
  partition?: string;
  time?: string;
  cpus?: string;
  require: string[];
  /** true with --tensorboard (the default), false with --no-tensorboard. */
  tensorboard?: boolean;
}

/** `--require <plugin>`, repeatable: the values in order. */
export const collectPlugins = (value: string, previous: string[]): string[] => [...previous, value];
const TENSORBOARD_HELP = "write each run's TensorBoard events to runs/<id>/tb, so tensorboard --logdir OUT/runs compares the runs (the default)";
const NO_TENSORBOARD_HELP = 'write no TensorBoard events';
export const REQUIRE_HELP = 'load a plugin (a path or package, from the current directory) that registers surrogates, models or datasets; repeatable';

/** `--backend`, checked when the command line is parsed: before a spec is read or a worker starts. */
export function parseBackend(value: string): BackendName {
  if (BACKENDS.includes(value as BackendName)) return value as BackendName;
  throw new InvalidArgumentError(`expected one of ${BACKENDS.join(', ')}; found '${value}'${didYouMean(value, BACKENDS)}`);
}

export function registerRunCommands(program: Command): void {
  registerRun(program);
  registerRunOne(program);
}

function registerRun(program: Command): void {
  program
    .command('run')
    .description('run an ablation spec (a YAML/JSON file or a preset: quick, dying-relu, paper-cifar10, paper-cifar100)')
    .argument('<spec>', 'spec file or preset name')
    .option('--out <dir>', 'results directory (default: runs/<spec name>)')
    .option('--workers <n>', 'worker processes (default: from the backend and model size, printed as "parallelism: ...")')
    .option(
      '--no-pack',
      'train every run alone (by default small MLP runs that share a model and data train as one stacked computation; the log says "packing ...")',
    )
    .option('--resume', 'continue a sweep in --out: finished runs are kept, interrupted ones continue from their checkpoints')
    .option('--extend', 'add the grid points of an enlarged spec to the sweep in --out (refused if any existing run would change)')
    .option('--only <filter>', 'run a subset: comma-separated terms like activation=relu, seed=0, a run id prefix or variant text')
    .option('--backend <name>', 'tensorflow, wasm or cpu (default: the fastest that loads)', parseBackend)
    .option('--tensorboard', TENSORBOARD_HELP)
    .option('--no-tensorboard', NO_TENSORBOARD_HELP)
    .option('--report', 'write the report (sugar report) when the sweep ends')
    .option('--png', 'with --report: also static PNG figures')
    .option('--emit <target>', 'write a scheduler script instead of running: slurm')
    .option('--partition <name>', 'with --emit slurm: the partition')
    .option('--time <hh:mm:ss>', 'with --emit slurm: the time limit per run', '24:00:00')
    .option('--cpus <n>', 'with --emit slurm: cpus per task', '4')
    .option('--require <plugin>', `${REQUIRE_HELP}; recorded with the spec's plugins, so workers, run-one and report load it too`, collectPlugins, [])
    .addHelpText(
      'after',
      '\nThe options of every surrogate, model and dataset a spec can name: sugar options [surrogates|models|datasets] [name] (docs/options.md).',
    )
    .action((specArg: string, o: RunOpts) => runAction(specArg, o));
}

function registerRunOne(program: Command): void {
  program
    .command('run-one')
    .description('run (or resume) one run of a results directory by id: what each Slurm array task calls')
    .argument('<dir>', 'results directory written by `sugar run --emit slurm`')
    .argument('[id]', 'run id (a line of DIR/run-ids.txt)')
    .option('--task <index>', 'instead of an id: the run on line index+1 of DIR/run-ids.txt (SLURM_ARRAY_TASK_ID)')
    .option('--backend <name>', 'tensorflow, wasm or cpu', parseBackend)
    .option('--tensorboard', TENSORBOARD_HELP)
    .option('--no-tensorboard', NO_TENSORBOARD_HELP)
    .option('--require <plugin>', `${REQUIRE_HELP} (besides the plugins the run records)`, collectPlugins, [])
    .action(async (dirArg: string, idArg: string | undefined, o: { backend?: BackendName; task?: string; require: string[]; tensorboard?: boolean }) => {
      const dir = path.resolve(dirArg);
      if ((idArg === undefined) === (o.task === undefined)) throw new Error('run-one: give a run id or --task <index>, not both');
      const id = idArg ?? runIdOfTask(dir, o.task!);
      const stop = interruptOnSignals({ log: (m) => console.error(`${id}: ${m}`) });
      const rerun = `rerun \`sugar run-one ${shellQuote(dir)} ${id}\``;
      try {
        const summary = await runSingle(dir, id, {
          backend: o.backend,
          require: o.require,
          tensorboard: o.tensorboard,
          signal: stop.signal,
          onLog: (m) => console.error(m),
        }).catch(rethrowWriteFailure(dir, rerun, id));
        console.log(summary ? `${id}: ${summary.status}` : `${id}: interrupted (checkpointed; rerun to continue)`);
        process.exitCode = stop.exitCode() ?? (!summary || summary.status === 'failed' ? 1 : 0);
        const failure = writeFailureOf(summary?.error);
        if (failure) throw new Error(writeFailureMessage(failure, dir, rerun, id));
      } finally {
        stop.dispose();
      }
    });
}

/** `sugar run`: the sweep in this process's workers, or with --emit a scheduler script for it. */
async function runAction(specArg: string, o: RunOpts): Promise<void> {
  const spec = await loadSpec(specArg, { require: o.require });
  const out = path.resolve(o.out ?? path.join('runs', spec.name));
  if (o.emit) return emitScript(spec, out, o);
  // --resume continues a sweep: in a directory that holds none (a typo in --out, another cwd) it would start afresh.
  if (o.resume && !fs.existsSync(new ResultsStore(out).specFile)) {
    throw new Error(`--resume: ${out} holds no sweep (no spec.json): pass the --out of the sweep to continue, or leave --resume out to start one there`);
  }
  const workers = o.workers === undefined ? undefined : Number(o.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) throw new Error(`--workers must be a positive integer; found '${o.workers}'`);
  const stop = interruptOnSignals({ log: (m) => console.error(`\n${m}`) });
  const progress = new SweepProgress(spec.name, process.stderr);
  // A write that failed (a full disk, a read-only mount) stops the sweep: the runs after it would fail the same way.
  const writeStop = new AbortController();
  let failed: { failure: WriteFailure; id: string } | undefined;
  const onEvent = (e: SweepEvent) => {
    progress.update(e);
    if (e.type !== 'run-end') return;
    const failure = writeFailureOf(e.summary?.error);
    if (failure && !failed) {
      failed = { failure, id: e.run.id };
      writeStop.abort();
    }
  };
  const rerun = `resume with \`sugar run ${shellQuote(specArg)} --out ${shellQuote(out)} --resume${o.only ? ` --only ${shellQuote(o.only)}` : ''}\``;
  const result = await runSweep(spec, {
    out,
    workers,
    pack: o.pack,
    resume: o.resume,
    extend: o.extend,
    only: o.only,
    backend: o.backend,
    tensorboard: o.tensorboard,
    signal: AbortSignal.any([stop.signal, writeStop.signal]),
    onEvent,
  })
    .catch(rethrowWriteFailure(out, rerun))
    .finally(() => {
      stop.dispose();
      progress.done();
    });
  console.log(
    `${spec.name}: ${result.completed} completed, ${result.diverged} diverged, ${result.failed} failed, ${result.skipped} already done` +
      (result.interrupted ? `, ${result.interrupted} interrupted (rerun with --resume)` : '') +
      (result.busy ? `, ${result.busy} skipped: another process is training them` : '') +
      ` -> ${out}`,
  );
  if (failed) throw new Error(writeFailureMessage(failed.failure, out, rerun, failed.id));
  if (o.report && !stop.signal.aborted) {
    const files = await writeReport(out, { png: o.png }).catch(rethrowWriteFailure(out, `rerun \`sugar report ${shellQuote(out)}\``));
    console.log(`report: ${files.html}`);
  } else if (!stop.signal.aborted) console.log(`next: sugar report ${out}`);
  if (result.failed) process.exitCode = 1;
  // Runs stopped without this command being asked to stop (a worker's own SIGTERM, a scheduler): not a success.
  if (result.interrupted && !stop.signal.aborted) process.exitCode = 1;
  if (stop.exitCode()) process.exitCode = stop.exitCode();
}

function emitScript(spec: Spec, out: string, o: RunOpts): void {
  if (o.emit !== 'slurm') throw new Error(`--emit supports 'slurm'; found '${o.emit}'`);
  // Tasks start this very CLI (its real path, quoted), with the node on the nodes' PATH.
  const command = `node ${shellQuote(fs.realpathSync(process.argv[1]))}`;
  const { script, runs } = emitSlurm(spec, {
    out,
    only: o.only,
    extend: o.extend,
    backend: o.backend,
    tensorboard: o.tensorboard,
    partition: o.partition,
    time: o.time,
    cpusPerTask: o.cpus,
    command,
  });
  console.log(`wrote ${script} (${runs} array tasks)\nsubmit: sbatch ${shellQuote(script)}\nthen:   sugar report ${shellQuote(out)}`);
}

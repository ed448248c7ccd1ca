import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { LockError } from './errors';
import { expandGrid, filterRuns, type PlannedRun } from './grid';
import { acquireLock, lockRun } from './lock';
import { packingMessage, planUnits } from './packing';
import { currentHost, interruptible, userThreadEnv } from '@sugar-lab/core';
import { planParallelism, workerThreadEnv } from './parallelism';
import type { Spec } from './spec';
import { claimSpec, specPluginHashes } from './spec-claim';
import { ResultsStore, type RunOutcome, type RunSummary } from './store';
import { withSweepDisplay } from './sweep-display';
import { checkSweepOptions } from './sweep-options';
import { runUnitInWorker } from './unit-worker';
import type { ToWorker } from './worker-protocol';

export interface SweepOptions {
  out: string;
  /** Worker processes; default: the spec's `workers`, else planParallelism's choice from the backend and model size. */
  workers?: number;
  /** Continue a sweep already in `out` (interrupted runs continue from their last checkpoint). */
  resume?: boolean;
  /** Add the spec's new grid points to the sweep in `out` (refused if any existing run would change). */
  extend?: boolean;
  only?: string;
  backend?: 'tensorflow' | 'wasm' | 'cpu';
  /** Train runs that share an MLP architecture and data as one stacked computation where that is faster (default true; see packing.ts). */
  pack?: boolean;
  /** TensorBoard events in every run's tb/ (default true): `tensorboard --logdir OUT/runs` compares the sweep's runs. */
  tensorboard?: boolean;
  /** Abort: running runs finish their current epoch, checkpoint, and the sweep stops. */
  signal?: AbortSignal;
  /** In a notebook, a display of the running runs updated in place (default true; false: none). */
  progress?: boolean;
  /**
   * Called for each sweep event: its start, each run's start, epochs and end, and log lines.
   *
   * @param e the event, told apart by its `type`
   */
  onEvent?: (e: SweepEvent) => void;
}

export type SweepEvent =
  | { type: 'start'; total: number; todo: number; skipped: number }
  | { type: 'run-start'; run: PlannedRun; resumed: boolean }
  | { type: 'epoch'; run: PlannedRun; epoch: number; epochs: number; metrics: Record<string, unknown> }
  | { type: 'run-end'; run: PlannedRun; summary?: RunSummary; interrupted?: boolean }
  | { type: 'log'; message: string };

export interface SweepResult {
  total: number;
  completed: number;
  diverged: number;
  failed: number;
  skipped: number;
  interrupted: number;
  /** Runs another process (`run-one`, a Slurm task) was training: left to it, not trained here. */
  busy: number;
  summaries: RunSummary[];
}

/** Workers for a sweep of `runs` when neither --workers nor the spec says: see planParallelism. */
export function defaultWorkers(backend?: string, runs: PlannedRun[] = []): number {
  return planParallelism(runs, { backend }).workers;
}

/**
 * Runs every run of a spec into `out`, in parallel worker processes, skipping finished runs.
 *
 * @param spec the validated sweep spec (`resolveSpec`, `parseSpec`): its grid, seeds and base config
 * @param asked the results directory `out` (required), and workers, resume or extend, an `--only` filter, backend,
 *   packing, TensorBoard, AbortSignal, notebook progress and the event callback
 */
export async function runSweep(spec: Spec, asked: SweepOptions): Promise<SweepResult> {
  checkSweepOptions(asked);
  const opts = withSweepDisplay(spec.name, asked);
  const store = new ResultsStore(opts.out);
  fs.mkdirSync(opts.out, { recursive: true });
  const release = acquireLock(store.lockFile, `results directory ${opts.out}`);
  try {
    return await interruptible(
      () => sweepLocked(spec, store, opts),
      (r) => interruptedMessage(r, opts.out),
    );
  } finally {
    release();
  }
}

function interruptedMessage(r: SweepResult, out: string): string {
  const left = r.total - r.skipped - r.completed - r.diverged - r.failed;
  return (
    `runSweep interrupted: ${r.interrupted} run(s) stopped with their checkpoints, ${left} of ${r.total} not finished ` +
    `(${r.completed} completed now, ${r.skipped} before); nothing is lost: runSweep(spec, { out: ${JSON.stringify(out)}, resume: true }) continues`
  );
}

async function sweepLocked(spec: Spec, store: ResultsStore, asked: SweepOptions): Promise<SweepResult> {
  const { all, todo, backend, plugins } = planSweep(spec, store, asked);
  // The backend the directory was claimed with: a resume without --backend continues on it.
  const opts: SweepOptions = { ...asked, backend };
  if (backend && !asked.backend && todo.length) opts.onEvent?.({ type: 'log', message: `--backend ${backend}, as this sweep was started` });
  const result = emptyResult(all.length, all.length - todo.length);
  opts.onEvent?.({ type: 'start', total: all.length, todo: todo.length, skipped: result.skipped });
  for (const r of todo) store.writeConfig(r);

  // Workers x intra-op threads from the backend and model size (one libtensorflow pool per worker, sized to its share).
  const plan = planParallelism(todo, { backend: opts.backend, workers: opts.workers ?? spec.workers });
  // The environment as the user set it: thread variables this process wrote for its own libtensorflow are not theirs.
  const workerEnv = { ...userThreadEnv(), SUGAR_QUIET: '1', ...workerThreadEnv(plan) };
  if (todo.length) opts.onEvent?.({ type: 'log', message: `parallelism: ${plan.why}` });
  // Runs that share a dataset and architecture go to one worker as a work unit; train's planUnit packs them where it pays.
  const packing = { backend: opts.backend, enabled: opts.pack !== false, workers: plan.workers };
  const queue = planUnits(todo, packing);
  const packLine = packingMessage(queue, packing);
  if (packLine) opts.onEvent?.({ type: 'log', message: packLine });

  const sweep = new Sweep(store, opts, result, workerEnv, queue, plugins);
  await sweep.runLanes(plan.workers);
  return result;
}

/** Claims `out` for the spec, expands its grid and returns the runs still to train; refuses interrupted runs without --resume. */
function planSweep(
  spec: Spec,
  store: ResultsStore,
  opts: SweepOptions,
): { all: PlannedRun[]; todo: PlannedRun[]; backend?: SweepOptions['backend']; plugins: Record<string, string> } {
  // The directory belongs to one spec: another one (even with --resume) is refused; --extend only adds points;
  // so do one --backend and one version of each plugin.
  const plugins = specPluginHashes(spec, opts.out);
  const claim = claimSpec(opts.out, spec, { extend: opts.extend, backend: opts.backend, plugins });
  const all = filterRuns(expandGrid(spec), opts.only);
  const started = all.filter((r) => !store.isFinished(r.id) && store.hasStarted(r.id));
  if (started.length && !opts.resume) {
    throw new LockError(
      `${opts.out} holds ${started.length} interrupted run(s) (${started.map((r) => r.id).join(', ')}); pass --resume to continue them from their checkpoints`,
    );
  }
  return { all, todo: all.filter((r) => !store.isFinished(r.id)), backend: claim.backend as SweepOptions['backend'], plugins };
}

function emptyResult(total: number, skipped: number): SweepResult {
  return { total, completed: 0, diverged: 0, failed: 0, skipped, interrupted: 0, busy: 0, summaries: [] };
}

type RunLock = ReturnType<typeof lockRun>;

/** The training half of one sweep: lanes draining the shared queue of runs and packs, counting into `result`. */
class Sweep {
  private stopping: boolean;
  private readonly workers = new Set<ChildProcess>();

  constructor(
    private readonly store: ResultsStore,
    private readonly opts: SweepOptions,
    private readonly result: SweepResult,
    private readonly workerEnv: NodeJS.ProcessEnv,
    private readonly queue: PlannedRun[][],
    private readonly plugins: Record<string, string>,
  ) {
    this.stopping = opts.signal?.aborted ?? false;
  }

  /** `n` lanes in parallel; an abort tells every live worker to checkpoint and stop, and no lane takes more work. */
  async runLanes(n: number): Promise<void> {
    const onAbort = () => {
      this.stopping = true;
      for (const w of this.workers) send(w, { type: 'stop' });
    };
    // The host's interrupt (a notebook's stop button) does not wait for the epoch: workers stop at their next step.
    const host = currentHost().interrupt;
    const onInterrupt = () => {
      this.stopping = true;
      for (const w of this.workers) send(w, { type: 'stop', now: true });
    };
    this.opts.signal?.addEventListener('abort', onAbort);
    host?.addEventListener('abort', onInterrupt);
    if (host?.aborted) onInterrupt();
    try {
      await Promise.all(Array.from({ length: n }, () => this.lane()));
    } finally {
      this.opts.signal?.removeEventListener('abort', onAbort);
      host?.removeEventListener('abort', onInterrupt);
    }
  }

  // Each run is trained under its own lock, the one `run-one` takes: a run another process is training is
  // skipped (left to it), so `sugar run` and Slurm tasks on one directory never both train a run.
  private async lane(): Promise<void> {
    while (this.queue.length && !this.stopping) await this.trainUnit(this.queue.shift()!);
  }

  // A unit takes every member's lock, as each run alone would; busy or meanwhile finished members are left out.
  private async trainUnit(runs: PlannedRun[]): Promise<void> {
    const held: RunLock[] = [];
    try {
      const members = this.lockMembers(runs, held);
      if (!members.length) return;
      const t0 = Date.now();
      members.forEach((r) => this.runStart(r));
      const outcomes = await runUnitInWorker(
        members,
        members.map((r) => this.store.runDir(r.id)),
        {
          backend: this.opts.backend,
          expectPlugins: this.plugins,
          tensorboard: this.opts.tensorboard,
          env: this.workerEnv,
          workers: this.workers,
          stopping: () => this.stopping,
          onEpoch: (run, epoch, epochs, metrics) => this.opts.onEvent?.({ type: 'epoch', run, epoch, epochs, metrics }),
          onLog: (message) => this.log(message),
        },
      );
      for (const run of members) this.settle(run, outcomes.get(run.id)!, t0);
    } finally {
      for (const lock of held) lock.release();
    }
  }

  /** Locks what it can of `runs` into `held` and returns the locked runs not yet finished. */
  private lockMembers(runs: PlannedRun[], held: RunLock[]): PlannedRun[] {
    const locked: PlannedRun[] = [];
    for (const run of runs) {
      const lock = this.lockOrSkip(run);
      if (!lock) continue;
      held.push(lock);
      locked.push(run);
      if (this.store.isFinished(run.id)) this.result.skipped++;
      else this.logTakeover(run, lock);
    }
    return locked.filter((r) => !this.store.isFinished(r.id));
  }

  private lockOrSkip(run: PlannedRun): RunLock | undefined {
    try {
      return lockRun(this.store, run.id);
    } catch (err) {
      if (!(err instanceof LockError)) throw err;
      this.result.busy++;
      this.log(`${run.variant} seed=${run.seed}: skipped, another process trains it: ${err.message}`);
      return undefined;
    }
  }

  private logTakeover(run: PlannedRun, lock: RunLock): void {
    if (lock.tookOver) this.log(`run ${run.id}: took over its lock (${lock.tookOver})`);
  }

  private log(message: string): void {
    this.opts.onEvent?.({ type: 'log', message });
  }

  private runStart(run: PlannedRun): void {
    this.opts.onEvent?.({ type: 'run-start', run, resumed: this.store.hasCheckpoint(run.id) });
  }

  private settle(run: PlannedRun, outcome: RunOutcome, t0: number): void {
    const summary = this.store.recordOutcome(run, outcome, this.opts.backend, t0);
    if (summary) return this.record(run, summary);
    this.result.interrupted++;
    this.opts.onEvent?.({ type: 'run-end', run, interrupted: true });
  }

  private record(run: PlannedRun, summary: RunSummary): void {
    const { result } = this;
    result.summaries.push(summary);
    if (summary.status === 'completed') result.completed++;
    else if (summary.status === 'diverged') result.diverged++;
    else result.failed++;
    this.opts.onEvent?.({ type: 'run-end', run, summary });
  }
}

function send(w: ChildProcess, msg: ToWorker): void {
  if (w.connected) w.send(msg);
}

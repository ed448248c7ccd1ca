import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LockError } from './errors';
import { expandGrid, filterRuns, type PlannedRun } from './grid';
import { acquireLock, lockRun } from './lock';
import { runPackInWorker } from './pack-worker';
import { packingMessage, planPacks } from './packing';
import { userThreadEnv } from '@sugar-lab/core';
import { planParallelism, workerThreadEnv } from './parallelism';
import type { Spec } from './spec';
import { claimSpec } from './spec-claim';
import { failedSummary, ResultsStore, type RunSummary } from './store';
import type { ToWorker, FromWorker } from './worker-protocol';

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
  /** Abort: running runs finish their current epoch, checkpoint, and the sweep stops. */
  signal?: AbortSignal;
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

function workerScript(): string {
  // From src (under vitest) the compiled worker lives in ../dist.
  const here = path.join(__dirname, 'worker.js');
  return fs.existsSync(here) ? here : path.join(__dirname, '..', 'dist', 'worker.js');
}

/** Workers for a sweep of `runs` when neither --workers nor the spec says: see planParallelism. */
export function defaultWorkers(backend?: string, runs: PlannedRun[] = []): number {
  return planParallelism(runs, { backend }).workers;
}

/** Runs every run of a spec into `out`, in parallel worker processes, skipping finished runs. */
export async function runSweep(spec: Spec, opts: SweepOptions): Promise<SweepResult> {
  const store = new ResultsStore(opts.out);
  fs.mkdirSync(opts.out, { recursive: true });
  const release = acquireLock(store.lockFile, `results directory ${opts.out}`);
  try {
    return await sweepLocked(spec, store, opts);
  } finally {
    release();
  }
}

async function sweepLocked(spec: Spec, store: ResultsStore, opts: SweepOptions): Promise<SweepResult> {
  // The directory belongs to one spec: another one (even with --resume) is refused; --extend only adds points.
  claimSpec(opts.out, spec, { extend: opts.extend });

  const all = filterRuns(expandGrid(spec), opts.only);
  const started = all.filter((r) => !store.isFinished(r.id) && store.hasStarted(r.id));
  if (started.length && !opts.resume) {
    throw new LockError(
      `${opts.out} holds ${started.length} interrupted run(s) (${started.map((r) => r.id).join(', ')}); pass --resume to continue them from their checkpoints`,
    );
  }
  const todo = all.filter((r) => !store.isFinished(r.id));
  const result: SweepResult = {
    total: all.length,
    completed: 0,
    diverged: 0,
    failed: 0,
    skipped: all.length - todo.length,
    interrupted: 0,
    busy: 0,
    summaries: [],
  };
  opts.onEvent?.({ type: 'start', total: all.length, todo: todo.length, skipped: result.skipped });
  for (const r of todo) store.writeConfig(r);

  // Workers x intra-op threads from the backend and model size (one libtensorflow pool per worker, sized to its share).
  const plan = planParallelism(todo, { backend: opts.backend, workers: opts.workers ?? spec.workers });
  const nWorkers = plan.workers;
  // The environment as the user set it: thread variables this process wrote for its own libtensorflow are not theirs.
  const workerEnv = { ...userThreadEnv(), SUGAR_QUIET: '1', ...workerThreadEnv(plan) };
  if (todo.length) opts.onEvent?.({ type: 'log', message: `parallelism: ${plan.why}` });
  // Runs that share an MLP and its data train as packs (one stacked computation) where packing.ts measured it faster.
  const packing = { backend: opts.backend, enabled: opts.pack !== false };
  const queue = planPacks(todo, packing);
  const packLine = packingMessage(queue, packing);
  if (packLine) opts.onEvent?.({ type: 'log', message: packLine });
  let stopping = opts.signal?.aborted ?? false;
  const workers = new Set<ChildProcess>();
  const onAbort = () => {
    stopping = true;
    for (const w of workers) send(w, { type: 'stop' });
  };
  opts.signal?.addEventListener('abort', onAbort);

  const record = (run: PlannedRun, summary: RunSummary) => {
    result.summaries.push(summary);
    if (summary.status === 'completed') result.completed++;
    else if (summary.status === 'diverged') result.diverged++;
    else result.failed++;
    opts.onEvent?.({ type: 'run-end', run, summary });
  };

  const runStart = (run: PlannedRun) => opts.onEvent?.({ type: 'run-start', run, resumed: store.hasCheckpoint(run.id) });
  const train = async (run: PlannedRun) => {
    const t0 = Date.now();
    runStart(run);
    settle(run, await runInWorker(run, store, opts, workers, () => stopping, workerEnv), t0);
  };
  const settle = (run: PlannedRun, outcome: Outcome, t0: number) => {
    if (outcome.kind === 'summary') record(run, store.settleSummary(outcome.summary));
    else if (outcome.kind === 'interrupted') {
      result.interrupted++;
      opts.onEvent?.({ type: 'run-end', run, interrupted: true });
    } else {
      const failed = failedSummary(run, outcome.error, opts.backend, t0);
      store.writeSummary(failed);
      record(run, failed);
    }
  };

  // Each run is trained under its own lock, the one `run-one` takes: a run another process is training is
  // skipped (left to it), so `sugar run` and Slurm tasks on one directory never both train a run.
  const lane = async () => {
    while (queue.length && !stopping) {
      const unit = queue.shift()!;
      if (unit.length > 1) {
        await trainPack(unit);
        continue;
      }
      const run = unit[0];
      const lock = lockOrSkip(run);
      if (!lock) continue;
      try {
        if (store.isFinished(run.id))
          result.skipped++; // finished by another process since the sweep started
        else {
          if (lock.tookOver) opts.onEvent?.({ type: 'log', message: `run ${run.id}: took over its lock (${lock.tookOver})` });
          await train(run);
        }
      } finally {
        lock.release();
      }
    }
  };
  // A pack takes every member's lock, as each run alone would; busy or meanwhile finished members are left out.
  const trainPack = async (runs: PlannedRun[]) => {
    const held: { run: PlannedRun; lock: ReturnType<typeof lockRun> }[] = [];
    try {
      for (const run of runs) {
        const lock = lockOrSkip(run);
        if (!lock) continue;
        held.push({ run, lock });
        if (store.isFinished(run.id)) result.skipped++;
        else if (lock.tookOver) opts.onEvent?.({ type: 'log', message: `run ${run.id}: took over its lock (${lock.tookOver})` });
      }
      const members = held.map((h) => h.run).filter((r) => !store.isFinished(r.id));
      if (members.length === 1) return await train(members[0]);
      if (!members.length) return;
      const t0 = Date.now();
      members.forEach(runStart);
      const onEpoch = (run: PlannedRun, epoch: number, epochs: number, metrics: Record<string, unknown>) =>
        opts.onEvent?.({ type: 'epoch', run, epoch, epochs, metrics });
      const outcomes = await runPackInWorker(
        members,
        members.map((r) => store.runDir(r.id)),
        { backend: opts.backend, env: workerEnv, workers, stopping: () => stopping, onEpoch },
      );
      for (const run of members) settle(run, outcomes.get(run.id)!, t0);
    } finally {
      for (const h of held) h.lock.release();
    }
  };
  const lockOrSkip = (run: PlannedRun) => {
    try {
      return lockRun(store, run.id);
    } catch (err) {
      if (!(err instanceof LockError)) throw err;
      result.busy++;
      opts.onEvent?.({ type: 'log', message: `${run.variant} seed=${run.seed}: skipped, another process trains it: ${err.message}` });
      return undefined;
    }
  };
  try {
    await Promise.all(Array.from({ length: nWorkers }, lane));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return result;
}

function send(w: ChildProcess, msg: ToWorker): void {
  if (w.connected) w.send(msg);
}

type Outcome = { kind: 'summary'; summary: RunSummary } | { kind: 'interrupted' } | { kind: 'error'; error: string };

/** One run in a fresh worker process: a crash costs that run (recorded as failed), never the sweep. */
function runInWorker(
  run: PlannedRun,
  store: ResultsStore,
  opts: SweepOptions,
  workers: Set<ChildProcess>,
  stopping: () => boolean,
  env: NodeJS.ProcessEnv,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const w = fork(workerScript(), [], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], env });
    workers.add(w);
    let stderr = '';
    w.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let outcome: Outcome | undefined;
    w.on('message', (m: FromWorker) => {
      if (m.type === 'epoch') opts.onEvent?.({ type: 'epoch', run, epoch: m.epoch, epochs: m.epochs, metrics: m.metrics });
      else if (m.type === 'done') outcome = { kind: 'summary', summary: m.summary };
      else if (m.type === 'interrupted') outcome = { kind: 'interrupted' };
      else if (m.type === 'error') outcome = { kind: 'error', error: m.error };
    });
    w.on('exit', (code, signal) => {
      workers.delete(w);
      if (outcome) return resolve(outcome);
      if (stopping() && (signal === 'SIGINT' || signal === 'SIGTERM')) return resolve({ kind: 'interrupted' });
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ kind: 'error', error: `worker exited (code ${code}, signal ${signal})${tail ? `: ${tail}` : ''}` });
    });
    send(w, { type: 'run', run, dir: store.runDir(run.id), backend: opts.backend });
    if (stopping()) send(w, { type: 'stop' });
  });
}

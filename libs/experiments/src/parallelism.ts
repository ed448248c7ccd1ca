// How a sweep splits the machine: worker processes x libtensorflow intra-op threads per worker.
// The choices below follow measurements on 2 cores (docs/benchmarks.md, "Threads and workers").
import { availableCores, threadSettings, userThreadEnv } from '@sugar-lab/core';
import type { PlannedRun } from './grid';

/** Per-op-bound (dispatch dominates a step) or compute-bound (kernels dominate). */
export type ModelSize = 'small' | 'large';

export interface Parallelism {
  workers: number;
  /** Intra-op threads per worker on the tensorflow backend (wasm and cpu run one thread per process). */
  threads: number;
  /** One line for the log: what was chosen and why. */
  why: string;
}

// An MLP this narrow spends a step dispatching kernels, not computing them: a second thread in the same
// process only adds synchronization, a second process doubles throughput.
const SMALL_MLP_WIDTH = 256;

/** 'small' for an MLP up to SMALL_MLP_WIDTH units wide; every conv net or transformer is 'large'. */
export function modelSize(run: PlannedRun): ModelSize {
  const m = run.config.model;
  if (m.name !== 'mlp') return 'large';
  const width = typeof m.width === 'number' ? m.width : 0;
  return width <= SMALL_MLP_WIDTH ? 'small' : 'large';
}

export interface PlanOptions {
  /** --backend: overrides every run's own `backend`. */
  backend?: string;
  /** --workers, else the spec's `workers`: an explicit choice, kept (threads then split the cores). */
  workers?: number;
  cores?: number;
  /** Default: process.env as the user set it (without what applyThreadSettings wrote for this process). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Workers x threads for the runs still to do: one worker per core, one thread each (the measurements behind it for
 * per-op-bound and compute-bound models: docs/benchmarks.md, "Threads and workers"); fewer runs than cores share the cores as threads.
 * An explicit worker count is kept; the user's SUGAR_THREADS / TF_NUM_INTRAOP_THREADS still win over `threads`.
 */
export function planParallelism(runs: PlannedRun[], opts: PlanOptions = {}): Parallelism {
  const cores = opts.cores ?? availableCores();
  const todo = Math.max(1, runs.length);
  const backends = new Set(runs.map((r) => opts.backend ?? r.config.backend ?? 'tensorflow'));
  const tensorflow = backends.has('tensorflow');
  const large = tensorflow && runs.some((r) => (opts.backend ?? r.config.backend ?? 'tensorflow') === 'tensorflow' && modelSize(r) === 'large');
  let workers: number;
  let why: string;
  if (opts.workers !== undefined) {
    workers = opts.workers;
    why = `${workers} worker${workers === 1 ? '' : 's'} as asked`;
  } else if (large) {
    workers = Math.min(cores, LARGE_TENSORFLOW_WORKERS(cores));
    why = `compute-bound models on tensorflow: ${workers} worker${workers === 1 ? '' : 's'}`;
  } else {
    workers = cores;
    why = `${tensorflow ? 'per-op-bound models' : [...backends].join('/')}: one worker per core`;
  }
  workers = Math.max(1, Math.min(workers, todo));
  const threads = Math.max(1, Math.floor(cores / workers));
  const user = threadSettings(opts.env ?? userThreadEnv(), cores);
  const threadNote = !tensorflow
    ? ''
    : user.intraOpSource === 'TF_NUM_INTRAOP_THREADS' || user.intraOpSource === 'SUGAR_THREADS'
      ? `, ${user.intraOp} intra-op thread${user.intraOp === 1 ? '' : 's'} each (${user.intraOpSource})`
      : `, ${threads} intra-op thread${threads === 1 ? '' : 's'} each`;
  return { workers, threads, why: `${why} on ${cores} cores${threadNote}` };
}

// Compute-bound models on tensorflow (convs, transformers, wide MLPs): on a loaded 2-core machine single-threaded
// workers, one per core, used the least CPU time and finished first for a VGG-small sweep (tools/bench/sweep-threads.mjs;
// docs/benchmarks.md, "Threads and workers"), as for small models; the tail of a sweep, with fewer runs than cores,
// gives each worker the cores left over as threads.
function LARGE_TENSORFLOW_WORKERS(cores: number): number {
  return cores;
}

/**
 * The environment of a sweep worker: SUGAR_WORKERS (the processes sharing the cores) and SUGAR_THREADS from
 * the plan, unless the user set SUGAR_THREADS or TF_NUM_INTRAOP_THREADS (inherited, and they win).
 */
export function workerThreadEnv(plan: Parallelism, env: NodeJS.ProcessEnv = userThreadEnv()): Record<string, string> {
  const out: Record<string, string> = { SUGAR_WORKERS: String(plan.workers) };
  if (!env.SUGAR_THREADS?.trim() && !env.TF_NUM_INTRAOP_THREADS?.trim()) out.SUGAR_THREADS = String(plan.threads);
  return out;
}

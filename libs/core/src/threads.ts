// Thread pools of native TensorFlow (libtensorflow behind tfjs-node). libtensorflow sizes its intra-op pool
// for the whole machine in every process, so N sweep workers on N cores start N x N compute threads that
// fight over the cores and every product slows down (docs/benchmarks.md, "Threads and workers"). The pools
// are read from the environment once, when the binding loads: `applyThreadSettings` must run before that.
import * as os from 'node:os';
import { SugarError } from './errors';

/** A SUGAR_THREADS / SUGAR_WORKERS / TF_* thread variable that is not a positive integer. */
export class ThreadConfigError extends SugarError {}

/** Where a thread count came from: the variable the user set, sugar-lab's split of the cores, or a default. */
export type ThreadSource = 'TF_NUM_INTRAOP_THREADS' | 'TF_NUM_INTEROP_THREADS' | 'OMP_NUM_THREADS' | 'SUGAR_THREADS' | 'cores / workers' | 'default';

export interface ThreadSettings {
  /** Cores this process may use (os.availableParallelism). */
  cores: number;
  /** Processes sharing those cores (SUGAR_WORKERS, set by the sweep runner for its workers; 1 otherwise). */
  workers: number;
  /** libtensorflow's intra-op pool: threads one kernel (a matmul, a conv) runs on. */
  intraOp: number;
  intraOpSource: ThreadSource;
  /** libtensorflow's inter-op pool: kernels run concurrently. tfjs runs one eager op at a time, so 1 suffices. */
  interOp: number;
  interOpSource: ThreadSource;
  /** OpenMP / oneDNN threads, where the build uses OpenMP: the intra-op count unless set. */
  omp: number;
  ompSource: ThreadSource;
}

/** The variables `applyThreadSettings` sets (only those the user left unset). */
export const THREAD_ENV_VARS = ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS'] as const;

/** The CPU cores this process may use (os.availableParallelism where Node has it, else the count of CPUs; at least 1). */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : Math.max(1, os.cpus().length);
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new ThreadConfigError(`${name} must be a positive integer; found '${env[name]}'`);
  return n;
}

/**
 * The thread counts this process's libtensorflow gets: a TF_* / OMP_NUM_THREADS variable the user set always
 * wins; else SUGAR_THREADS; else the cores split between the SUGAR_WORKERS processes sharing them (at least 1).
 *
 * @param env the environment to read (default: this process's)
 * @param cores the cores available (default: `availableCores()`)
 */
export function threadSettings(env: NodeJS.ProcessEnv = process.env, cores = availableCores()): ThreadSettings {
  const workers = positiveInt(env, 'SUGAR_WORKERS') ?? 1;
  const sugar = positiveInt(env, 'SUGAR_THREADS');
  const tfIntra = positiveInt(env, 'TF_NUM_INTRAOP_THREADS');
  const tfInter = positiveInt(env, 'TF_NUM_INTEROP_THREADS');
  const omp = positiveInt(env, 'OMP_NUM_THREADS');
  const split = Math.max(1, Math.floor(cores / workers));
  const [intraOp, intraOpSource]: [number, ThreadSource] =
    tfIntra !== undefined ? [tfIntra, 'TF_NUM_INTRAOP_THREADS'] : sugar !== undefined ? [sugar, 'SUGAR_THREADS'] : [split, 'cores / workers'];
  return {
    cores,
    workers,
    intraOp,
    intraOpSource,
    interOp: tfInter ?? 1,
    interOpSource: tfInter !== undefined ? 'TF_NUM_INTEROP_THREADS' : 'default',
    omp: omp ?? intraOp,
    ompSource: omp !== undefined ? 'OMP_NUM_THREADS' : intraOpSource,
  };
}

let applied: ThreadSettings | undefined;
/** The variables applyThreadSettings wrote into process.env (not the user's). */
const written = new Set<string>();

/**
 * Writes the settings into `env` (process.env: libtensorflow reads it when tfjs-node loads), leaving every
 * variable the user set as it is. Idempotent; returns what libtensorflow will see.
 */
export function applyThreadSettings(env: NodeJS.ProcessEnv = process.env): ThreadSettings {
  if (env === process.env && applied) return applied;
  const s = threadSettings(env);
  const set = (name: string, value: number) => {
    if (env[name]?.trim()) return;
    env[name] = String(value);
    if (env === process.env) written.add(name);
  };
  set('TF_NUM_INTRAOP_THREADS', s.intraOp);
  set('TF_NUM_INTEROP_THREADS', s.interOp);
  set('OMP_NUM_THREADS', s.omp);
  if (env === process.env) applied = s;
  return s;
}

/** The settings applied before tfjs-node loaded in this process (undefined: it has not loaded through sugar-lab). */
export function appliedThreadSettings(): ThreadSettings | undefined {
  return applied;
}

/** process.env as the user set it: without the thread variables applyThreadSettings wrote. */
export function userThreadEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of written) delete env[k];
  return env;
}

/**
 * One line: `intra-op 1 (cores / workers: 2 cores, 2 workers), inter-op 1 (default), OpenMP 1 (cores / workers)`.
 *
 * @param s what `threadSettings` returned
 */
export function describeThreads(s: ThreadSettings): string {
  const why = (src: ThreadSource) => (src === 'cores / workers' ? `cores / workers: ${s.cores} cores, ${s.workers} worker${s.workers === 1 ? '' : 's'}` : src);
  return `intra-op ${s.intraOp} (${why(s.intraOpSource)}), inter-op ${s.interOp} (${why(s.interOpSource)}), OpenMP ${s.omp} (${why(s.ompSource)})`;
}

import * as fs from 'node:fs';
import type { PlannedRun } from './grid';
import { RunIdError } from './errors';
import { lockRun } from './lock';
import { loadPlugins, requireSource } from './plugins';
import { checkRunId } from './run-id';
import { runUnit, type RunUnitOptions } from './run-unit';
import { claimedBackend, claimedPlugins } from './spec-claim';
import { ResultsStore, type RunSummary } from './store';

/**
 * Runs (or resumes) one run of a results directory by id: what each Slurm array task does. The run's lock
 * (the same one the sweep takes) keeps any second process off it; a finished run is left as it is. Returns
 * undefined when `signal` interrupted it (its checkpoint holds the last finished epoch; the lock is released). The run is a work unit of one (runUnit), trained in this process.
 *
 * @param dir the results directory
 * @param id the run's id
 * @param opts backend, AbortSignal, epoch and log callbacks, TensorBoard, and more plugins to load
 */
export async function runSingle(dir: string, id: string, opts: RunSingleOptions = {}): Promise<RunSummary | undefined> {
  checkRunId(id, 'run-one');
  const store = new ResultsStore(dir);
  const configFile = store.configFile(id);
  const saved = store.savedRun<Omit<PlannedRun, 'id'> & { id: string }>(id);
  if (!saved || saved.id !== id) throw new RunIdError(`run-one ${dir}`, `a run of this directory (${configFile})`, `no run '${id}'`);
  if (store.isFinished(id)) return store.summary(id);
  // Plugins load before the run is locked, so one that cannot load fails the command, not the run.
  await loadPlugins(saved.config?.plugins ?? [], { from: [dir], where: (i) => `plugins[${i}] of ${configFile}` });
  await loadPlugins(opts.require ?? [], requireSource());
  const lock = lockRun(store, id);
  try {
    if (store.isFinished(id)) return store.summary(id); // finished by another process just before we locked it
    if (lock.tookOver) opts.onLog?.(`run ${id}: took over its lock (${lock.tookOver})`);
    const t0 = Date.now();
    const backend = opts.backend ?? (claimedBackend(dir) as RunSingleOptions['backend']);
    const [outcome] = await runUnit([saved], [store.runDir(id)], { expectPlugins: claimedPlugins(dir), ...opts, backend });
    return store.recordOutcome(saved, outcome, backend, t0);
  } finally {
    lock.release();
  }
}

export interface RunSingleOptions extends RunUnitOptions {
  /** Plugins to load besides those the run records (`--require`: paths and packages from the cwd). */
  require?: readonly string[];
}

/** The run ids of an emitted Slurm sweep (DIR/run-ids.txt), each checked to be a plain run id. */
export function readRunIds(dir: string): string[] {
  const file = new ResultsStore(dir).runIdsFile;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new RunIdError(file, 'the run list `sugar run --emit slurm` writes', 'no such file');
  }
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line)
    .map((l) => checkRunId(l.line, `${file}:${l.n}`));
}

/**
 * The run id of Slurm array task `index` (0-based: SLURM_ARRAY_TASK_ID; a string is checked as typed).
 *
 * @param dir the results directory of an emitted Slurm sweep
 * @param index the array task's index, 0-based
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function runIdOfTask(dir: string, index: number | string): string {
  const ids = readRunIds(dir);
  const i = typeof index === 'number' ? index : /^\d+$/.test(index) ? Number(index) : NaN;
  if (!Number.isInteger(i) || i < 0 || i >= ids.length) {
    const where = `run-one --task (${new ResultsStore(dir).runIdsFile} lists ${ids.length} runs)`;
    throw new RunIdError(where, `an array task index from 0 to ${ids.length - 1}`, JSON.stringify(String(index)));
  }
  return ids[i];
}

import * as fs from 'node:fs';
import { initBackend, type BackendName, type tf } from '@sugar-lab/core';
import { loadDataset, type Dataset } from '@sugar-lab/datasets';
import { activationLayerNames, buildModel } from '@sugar-lab/models';
import { fit, type EpochMetrics, type FitResult, type TrainConfig } from '@sugar-lab/train';
import type { PlannedRun } from './grid';
import { runLandscape } from './landscape-probe';
import { RunIdError } from './errors';
import { lockRun } from './lock';
import { loadPlugins, requireSource } from './plugins';
import { checkRunId } from './run-id';
import { trainConfigOf } from './spec';
import { failedSummary, ResultsStore, runFiles, writeRunSummary, type RunSummary } from './store';

export interface RunOneOptions {
  backend?: BackendName;
  signal?: AbortSignal;
  onEpoch?: (epoch: number, epochs: number, metrics: Record<string, unknown>) => void;
}

/** The scalars of an epoch record that tables and progress lines use. */
export function epochScalars(m: EpochMetrics): Record<string, number> {
  const out: Record<string, number> = {};
  const split = m.evalSplit ?? 'test';
  if (m.trainLoss !== null) out.trainLoss = m.trainLoss;
  if (m.trainAcc !== null) out.trainAccuracy = m.trainAcc;
  if (m.evalLoss !== undefined) out[`${split}Loss`] = m.evalLoss;
  if (m.evalAcc !== undefined) out[`${split}Accuracy`] = m.evalAcc;
  if (m.probes) {
    out.deadFraction = m.probes.deadFraction;
    out.sparsity = m.probes.sparsity;
    out.resurrected = m.probes.resurrected;
  }
  return out;
}

/** The run's model, built as every run's is: its activation, the data's shape and classes, seeded by the run's seed. */
export function buildRunModel(cfg: PlannedRun['config'], data: Dataset): tf.LayersModel {
  const { name: modelName, ...modelOpts } = cfg.model;
  return buildModel(modelName, {
    ...modelOpts,
    activation: cfg.activation,
    inputShape: [...data.shape],
    numClasses: data.numClasses,
    seed: cfg.seed,
  });
}

/** What `fit` (or `fitPacked`) gets for a run kept in `dir`: its config, its log and checkpoints there, always resuming. */
export function runTrainConfig(cfg: PlannedRun['config'], dir: string): TrainConfig {
  return { ...trainConfigOf(cfg), logPath: runFiles(dir).metrics, checkpointDir: runFiles(dir).checkpoint, resume: true, progress: 'none' };
}

/** A finished run's summary from its fit result (the landscape probe, when the spec asks, is run on `model` here). */
export function runSummary(run: PlannedRun, result: FitResult, model: tf.LayersModel, data: Dataset, backend: string, t0: number): RunSummary {
  const cfg = run.config;
  const final: Record<string, unknown> = result.final ? epochScalars(result.final) : {};
  const start = result.epochs.find((e) => e.epoch === 0);
  if (start?.probes) final.deadFractionInit = start.probes.deadFraction;
  final.resurrectedTotal = result.epochs.reduce((s, e) => s + (e.epoch > 0 ? (e.probes?.resurrected ?? 0) : 0), 0);
  if (result.final?.probes) {
    final.layers = result.final.probes.layers.map(({ unitProb: _u, ...l }) => ({ ...l, gradNorm: result.final!.probes!.gradNorms?.[l.layer] }));
  }
  if (result.status === 'completed' && cfg.landscape?.enabled) {
    const { enabled: _on, ...opts } = cfg.landscape;
    Object.assign(final, runLandscape(model, data, { ...opts, data: cfg.data }));
  }
  return {
    id: run.id,
    variant: run.variant,
    seed: run.seed,
    point: run.point,
    status: result.status === 'failed' || result.status === 'interrupted' ? 'failed' : result.status,
    ...(result.error ? { error: result.error } : {}),
    epochs: result.final?.epoch ?? 0,
    final,
    backend,
    seconds: (Date.now() - t0) / 1000,
  };
}

/**
 * One run, start to end, in this process: data, model, `fit` with probes, an optional landscape probe
 * (spec `landscape`), and the summary. Resumes from the run's checkpoint when there is one. Returns 'interrupted' when
 * `signal` stopped it (its checkpoint holds the last finished epoch).
 */
export async function runOne(run: PlannedRun, dir: string, opts: RunOneOptions = {}): Promise<RunSummary | 'interrupted'> {
  const t0 = Date.now();
  const cfg = run.config;
  // Before the backend (it checks for a second tfjs a plugin might bring) and before anything is built.
  await loadPlugins(cfg.plugins ?? [], { from: [dir], where: (i) => `plugins[${i}] of run ${run.id}` });
  const backend = await initBackend(opts.backend ?? cfg.backend, { quiet: true });
  const { name: datasetName, ...datasetOpts } = cfg.dataset;
  const data = await loadDataset(datasetName, datasetOpts);
  const model = buildRunModel(cfg, data);
  try {
    const result = await fit(model, data, runTrainConfig(cfg, dir), {
      signal: opts.signal,
      activationLayers: activationLayerNames(model),
      callbacks: { onEpochEnd: (m) => opts.onEpoch?.(m.epoch, cfg.epochs, epochScalars(m)) },
    });
    if (result.status === 'interrupted') return 'interrupted';
    const summary = runSummary(run, result, model, data, backend, t0);
    writeRunSummary(dir, summary); // here, not after IPC: NaN and Infinity survive (the IPC's JSON makes them null)
    return summary;
  } finally {
    model.dispose();
  }
}

/**
 * Runs (or resumes) one run of a results directory by id: what each Slurm array task does. The run's lock
 * (the same one the sweep takes) keeps any second process off it; a finished run is left as it is. Returns
 * undefined when `signal` interrupted it (its checkpoint holds the last finished epoch; the lock is released).
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
    const summary = await runOrFailure(saved, store, opts);
    return summary === 'interrupted' ? undefined : summary;
  } finally {
    lock.release();
  }
}

export interface RunSingleOptions extends RunOneOptions {
  /** Notes for the user (a stale lock taken over). */
  onLog?: (message: string) => void;
  /** Plugins to load besides those the run records (`--require`: paths and packages from the cwd). */
  require?: readonly string[];
}

async function runOrFailure(run: PlannedRun, store: ResultsStore, opts: RunOneOptions): Promise<RunSummary | 'interrupted'> {
  const t0 = Date.now();
  try {
    return await runOne(run, store.runDir(run.id), opts);
  } catch (err) {
    const failed = failedSummary(run, err instanceof Error ? (err.stack ?? err.message) : String(err), opts.backend, t0);
    store.writeSummary(failed);
    return failed;
  }
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

/** The run id of Slurm array task `index` (0-based: SLURM_ARRAY_TASK_ID; a string is checked as typed). */
export function runIdOfTask(dir: string, index: number | string): string {
  const ids = readRunIds(dir);
  const i = typeof index === 'number' ? index : /^\d+$/.test(index) ? Number(index) : NaN;
  if (!Number.isInteger(i) || i < 0 || i >= ids.length) {
    const where = `run-one --task (${new ResultsStore(dir).runIdsFile} lists ${ids.length} runs)`;
    throw new RunIdError(where, `an array task index from 0 to ${ids.length - 1}`, JSON.stringify(String(index)));
  }
  return ids[i];
}

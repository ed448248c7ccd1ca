import { describeValue, initBackend, type BackendName, type tf } from '@sugar-lab/core';
import { loadDataset, type Dataset } from '@sugar-lab/datasets';
import { activationLayerNames, buildModel } from '@sugar-lab/models';
import { trainUnit, type EpochMetrics, type FitResult, type TrainConfig } from '@sugar-lab/train';
import type { PlannedRun } from './grid';
import { runLandscape } from './landscape-probe';
import { loadPlugins } from './plugins';
import { trainConfigOf } from './run-config';
import { ExperimentsError } from './errors';
import { currentEngine, pluginDifference, pluginHashes, type Engine, type EngineNotes } from './engine';
import { claimEngine, runFiles, type RunOutcome, type RunSummary } from './store';

export interface RunUnitOptions {
  backend?: BackendName;
  signal?: AbortSignal;
  /**
   * Called after each epoch of each run, for progress lines.
   *
   * @param id the run's id (12 hex digits)
   * @param epoch the epoch just finished, from 1
   * @param epochs the run's total epoch count
   * @param metrics the epoch's scalars (`trainLoss`, `testAccuracy`, `deadFraction`, ...; see epochScalars)
   */
  onEpoch?: (id: string, epoch: number, epochs: number, metrics: Record<string, unknown>) => void;
  /**
   * How the unit trains (packed, fused, one after another) and other notes for the user.
   *
   * @param message one line, prefixed with the run or unit it is about
   */
  onLog?: (message: string) => void;
  /** The plugin hashes the sweep was claimed with: a plugin edited since fails its runs instead of mixing versions. */
  expectPlugins?: Record<string, string>;
  /** Each run's TensorBoard events in its directory's tb/ (default true; `--no-tensorboard` turns them off). */
  tensorboard?: boolean;
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

/**
 * What `fit` (or `fitPacked`) gets for a run kept in `dir`: its config, its log, TensorBoard events (unless
 * `tensorboard` is false) and checkpoints there, always resuming.
 */
export function runTrainConfig(cfg: PlannedRun['config'], dir: string, tensorboard = true): TrainConfig {
  const files = runFiles(dir);
  return {
    ...trainConfigOf(cfg),
    logPath: files.metrics,
    ...(tensorboard ? { tensorboardDir: files.tensorboard } : {}),
    checkpointDir: files.checkpoint,
    resume: true,
    progress: 'none',
  };
}

/** Throws unless `tensorboard` is a boolean or undefined (a library caller's option: the CLI's is a flag). */
export function checkTensorboardOption(tensorboard: unknown, where: string): void {
  if (tensorboard !== undefined && typeof tensorboard !== 'boolean')
    throw new ExperimentsError(`${where}: option 'tensorboard' must be true or false; found ${describeValue(tensorboard)}`);
}

// What TensorBoard shows as the run's config: its config.json (store.ts writeConfig).
const savedForm = (run: PlannedRun) => ({ id: run.id, variant: run.variant, seed: run.seed, point: run.point, config: run.config });

/** A finished run's summary from its fit result (the landscape probe, when the spec asks, is run on `model` here). */
export function runSummary(run: PlannedRun, result: FitResult, model: tf.LayersModel, data: Dataset, engine: Engine & EngineNotes, t0: number): RunSummary {
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
    ...(result.stack ? { stack: result.stack } : {}),
    epochs: result.final?.epoch ?? 0,
    final,
    backend: engine.backend,
    engine,
    seconds: (Date.now() - t0) / 1000,
  };
}

const failure = (err: unknown): RunOutcome =>
  err instanceof Error
    ? { kind: 'error', error: `${err.name}: ${err.message}`, ...(err.stack ? { stack: err.stack } : {}) }
    : { kind: 'error', error: String(err) };

/**
 * A work unit of K >= 1 runs of one dataset and architecture (see planUnits), start to end, in this process:
 * plugins, backend, data, every run's model, `trainUnit` (one pack where it pays, else one after another), the
 * optional landscape probe (spec `landscape`) and each run's summary. Each run keeps its own log and checkpoints
 * in `dirs[i]` (resumed from, packed or not) and its own ending. Never throws: an error before training is every
 * run's outcome. What a sweep's worker and `run-one` both call; `seconds` is the unit's wall time.
 *
 * @param runs the unit's planned runs, all of one dataset and architecture; at least one
 * @param dirs each run's directory (its log, checkpoints and summary), in the order of `runs`
 * @param opts backend, AbortSignal, epoch and log callbacks, the plugin hashes the sweep was claimed with, and
 *   TensorBoard events (default on)
 */
export async function runUnit(runs: PlannedRun[], dirs: string[], opts: RunUnitOptions = {}): Promise<RunOutcome[]> {
  const t0 = Date.now();
  let models: tf.LayersModel[] = [];
  try {
    // Before the backend (it checks for a second tfjs a plugin might bring) and before anything is built.
    const plugins: Record<string, string>[] = [];
    for (const [i, run] of runs.entries()) {
      plugins.push(pluginHashes(await loadPlugins(run.config.plugins ?? [], { from: [dirs[i]], where: (j) => `plugins[${j}] of run ${run.id}` })));
    }
    checkTensorboardOption(opts.tensorboard, 'runUnit');
    const first = runs[0].config;
    // A backend that is named (--backend, the spec's) must load: numbers from another one would carry its label.
    const asked = opts.backend ?? first.backend;
    const backend = await initBackend(asked, { quiet: true, strict: asked !== undefined });
    const engines = plugins.map((p) => currentEngine(backend, p));
    const notes = engines[0].notes;
    for (const note of [notes.fallback, notes.kernelsNote]) if (note) opts.onLog?.(`${runs.length > 1 ? 'unit' : `run ${runs[0].id}`}: ${note}`);
    const outcomes: (RunOutcome | undefined)[] = runs.map((run, i) => engineMismatch(run, dirs[i], engines[i].engine, opts.expectPlugins));
    const todo = runs.map((_, i) => i).filter((i) => !outcomes[i]);
    if (!todo.length) return outcomes as RunOutcome[];
    const { name: datasetName, ...datasetOpts } = first.dataset;
    const data = await loadDataset(datasetName, datasetOpts);
    models = todo.map((i) => buildRunModel(runs[i].config, data));
    const results = await trainUnit(
      data,
      todo.map((i, j) => ({
        model: models[j],
        config: runTrainConfig(runs[i].config, dirs[i], opts.tensorboard !== false),
        options: {
          signal: opts.signal,
          tensorboardConfig: savedForm(runs[i]),
          // A checkpoint moved aside as corrupt, an older one used instead: the run log says so (a worker's stderr
          // reaches nobody).
          onWarning: (message: string) => opts.onLog?.(`run ${runs[i].id}: warning: ${message}`),
          activationLayers: activationLayerNames(models[j]),
          callbacks: { onEpochEnd: (m) => opts.onEpoch?.(runs[i].id, m.epoch, runs[i].config.epochs, epochScalars(m)) },
        },
      })),
      { onPlan: (how) => todo.length > 1 && opts.onLog?.(`${todo.map((i) => runs[i].id).join(', ')}: ${how}`) },
    );
    todo.forEach((i, j) => {
      const r = results[j];
      const engine = { ...engines[i].engine, ...engines[i].notes };
      outcomes[i] = r.status === 'interrupted' ? { kind: 'interrupted' } : { kind: 'summary', summary: runSummary(runs[i], r, models[j], data, engine, t0) };
    });
    return outcomes as RunOutcome[];
  } catch (err) {
    return runs.map(() => failure(err));
  } finally {
    models.forEach((m) => m.dispose());
  }
}

/** The error outcome of a run this engine must not train (it started on another, or a plugin changed), else undefined. */
function engineMismatch(run: PlannedRun, dir: string, engine: Engine, expectPlugins?: Record<string, string>): RunOutcome | undefined {
  if (expectPlugins) {
    const edited = pluginDifference(expectPlugins, engine.plugins);
    if (edited)
      return { kind: 'error', error: `run ${run.id}: ${edited} since the sweep started; its runs would mix two versions of the code (start a new --out)` };
  }
  const diff = claimEngine(dir, engine);
  if (!diff) return undefined;
  return {
    kind: 'error',
    error: `run ${run.id} was started on another engine (${diff}); continuing it here would mix two engines in one run: resume it where it started (see ${runFiles(dir).engine}), or train the spec into a new --out`,
  };
}

import { initBackend, type BackendName, type tf } from '@sugar-lab/core';
import { loadDataset, type Dataset } from '@sugar-lab/datasets';
import { activationLayerNames, buildModel } from '@sugar-lab/models';
import { trainUnit, type EpochMetrics, type FitResult, type TrainConfig } from '@sugar-lab/train';
import type { PlannedRun } from './grid';
import { runLandscape } from './landscape-probe';
import { loadPlugins } from './plugins';
import { trainConfigOf } from './run-config';
import { runFiles, type RunOutcome, type RunSummary } from './store';

export interface RunUnitOptions {
  backend?: BackendName;
  signal?: AbortSignal;
  onEpoch?: (id: string, epoch: number, epochs: number, metrics: Record<string, unknown>) => void;
  /** How the unit trains (packed, fused, one after another) and other notes for the user. */
  onLog?: (message: string) => void;
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
    ...(result.stack ? { stack: result.stack } : {}),
    epochs: result.final?.epoch ?? 0,
    final,
    backend,
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
 */
export async function runUnit(runs: PlannedRun[], dirs: string[], opts: RunUnitOptions = {}): Promise<RunOutcome[]> {
  const t0 = Date.now();
  let models: tf.LayersModel[] = [];
  try {
    // Before the backend (it checks for a second tfjs a plugin might bring) and before anything is built.
    for (const [i, run] of runs.entries()) {
      await loadPlugins(run.config.plugins ?? [], { from: [dirs[i]], where: (j) => `plugins[${j}] of run ${run.id}` });
    }
    const first = runs[0].config;
    const backend = await initBackend(opts.backend ?? first.backend, { quiet: true });
    const { name: datasetName, ...datasetOpts } = first.dataset;
    const data = await loadDataset(datasetName, datasetOpts);
    models = runs.map((r) => buildRunModel(r.config, data));
    const results = await trainUnit(
      data,
      runs.map((run, i) => ({
        model: models[i],
        config: runTrainConfig(run.config, dirs[i]),
        options: {
          signal: opts.signal,
          activationLayers: activationLayerNames(models[i]),
          callbacks: { onEpochEnd: (m) => opts.onEpoch?.(run.id, m.epoch, run.config.epochs, epochScalars(m)) },
        },
      })),
      { onPlan: (how) => runs.length > 1 && opts.onLog?.(`${runs.map((r) => r.id).join(', ')}: ${how}`) },
    );
    return results.map((r, i): RunOutcome =>
      r.status === 'interrupted' ? { kind: 'interrupted' } : { kind: 'summary', summary: runSummary(runs[i], r, models[i], data, backend, t0) },
    );
  } catch (err) {
    return runs.map(() => failure(err));
  } finally {
    models.forEach((m) => m.dispose());
  }
}

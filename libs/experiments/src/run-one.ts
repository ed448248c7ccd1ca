import * as path from 'node:path';
import { initBackend, type ActivationSpec, type BackendName } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { activationLayerNames, buildModel } from '@sugar-lab/models';
import { fit, type EpochMetrics } from '@sugar-lab/train';
import { readJSON } from './atomic';
import type { PlannedRun } from './grid';
import { runLandscape } from './landscape-probe';
import { acquireLock } from './lock';
import { trainConfigOf } from './spec';
import { ResultsStore, type RunSummary } from './store';

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

/**
 * One run, start to end, in this process: data, model, `fit` with probes, an optional landscape probe,
 * an optional landscape probe (spec `landscape`), and the summary. Resumes from the run's checkpoint when there is one. Returns 'interrupted' when
 * `signal` stopped it (its checkpoint holds the last finished epoch).
 */
export async function runOne(run: PlannedRun, dir: string, opts: RunOneOptions = {}): Promise<RunSummary | 'interrupted'> {
  const t0 = Date.now();
  const cfg = run.config;
  const backend = await initBackend(opts.backend ?? cfg.backend, { quiet: true });
  const { name: datasetName, ...datasetOpts } = cfg.dataset;
  const data = await loadDataset(datasetName, datasetOpts as never);
  const { name: modelName, ...modelOpts } = cfg.model;
  const model = buildModel(modelName, {
    ...modelOpts,
    activation: cfg.activation as ActivationSpec,
    inputShape: [...data.shape],
    numClasses: data.numClasses,
    seed: cfg.seed,
  });
  try {
    const result = await fit(
      model,
      data,
      { ...trainConfigOf(cfg), logPath: path.join(dir, 'metrics.jsonl'), checkpointDir: path.join(dir, 'checkpoint'), resume: true, progress: 'none' },
      {
        signal: opts.signal,
        activationLayers: activationLayerNames(model),
        callbacks: { onEpochEnd: (m) => opts.onEpoch?.(m.epoch, cfg.epochs, epochScalars(m)) },
      },
    );
    if (result.status === 'interrupted') return 'interrupted';
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
      status: result.status === 'failed' ? 'failed' : result.status,
      ...(result.error ? { error: result.error } : {}),
      epochs: result.final?.epoch ?? 0,
      final,
      backend,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Runs (or resumes) one run of a results directory by id: what each Slurm array task does. A per-run lock
 * keeps two tasks off one run; a finished run is left as it is.
 */
export async function runSingle(dir: string, id: string, opts: RunOneOptions = {}): Promise<RunSummary | undefined> {
  const store = new ResultsStore(dir);
  const saved = readJSON<Omit<PlannedRun, 'id'> & { id: string }>(path.join(store.runDir(id), 'config.json'));
  if (!saved) throw new Error(`no run '${id}' in ${dir} (expected ${path.join(store.runDir(id), 'config.json')})`);
  if (store.isFinished(id)) return store.summary(id);
  const release = acquireLock(path.join(store.runDir(id), '.lock'), `run ${id}`);
  try {
    const t0 = Date.now();
    let summary: RunSummary | 'interrupted';
    try {
      summary = await runOne(saved as PlannedRun, store.runDir(id), opts);
    } catch (err) {
      summary = {
        id,
        variant: saved.variant,
        seed: saved.seed,
        point: saved.point,
        status: 'failed',
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        epochs: 0,
        final: {},
        backend: opts.backend ?? 'default',
        seconds: (Date.now() - t0) / 1000,
      };
    }
    if (summary === 'interrupted') return undefined;
    store.writeSummary(summary);
    return summary;
  } finally {
    release();
  }
}

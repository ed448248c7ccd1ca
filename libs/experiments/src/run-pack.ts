import { initBackend } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { activationLayerNames } from '@sugar-lab/models';
import { fitPacked } from '@sugar-lab/train';
import type { PlannedRun } from './grid';
import { loadPlugins } from './plugins';
import { buildRunModel, epochScalars, runSummary, runTrainConfig, type RunOneOptions } from './run-one';
import { writeRunSummary, type RunSummary } from './store';

export interface RunPackOptions extends Omit<RunOneOptions, 'onEpoch'> {
  onEpoch?: (id: string, epoch: number, epochs: number, metrics: Record<string, unknown>) => void;
}

/**
 * The runs of one pack (see planPacks: one dataset and architecture), trained in this process as one stacked
 * computation (`fitPacked`): each still has its own model, metrics log, checkpoints in `dirs[i]` (resumed
 * from, packed or not) and summary, and its own ending (a diverged member does not stop the others).
 * Returns each run's summary, or 'interrupted' when `signal` stopped it; `seconds` is the pack's wall time.
 */
export async function runPack(runs: PlannedRun[], dirs: string[], opts: RunPackOptions = {}): Promise<(RunSummary | 'interrupted')[]> {
  const t0 = Date.now();
  for (const [i, run] of runs.entries()) {
    await loadPlugins(run.config.plugins ?? [], { from: [dirs[i]], where: (j) => `plugins[${j}] of run ${run.id}` });
  }
  const first = runs[0].config;
  const backend = await initBackend(opts.backend ?? first.backend, { quiet: true });
  const { name: datasetName, ...datasetOpts } = first.dataset;
  const data = await loadDataset(datasetName, datasetOpts);
  const models = runs.map((r) => buildRunModel(r.config, data));
  try {
    const results = await fitPacked(
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
    );
    return results.map((r, i) => {
      if (r.status === 'interrupted') return 'interrupted';
      const summary = runSummary(runs[i], r, models[i], data, backend, t0);
      writeRunSummary(dirs[i], summary); // here, as runOne does: NaN and Infinity survive (the IPC's JSON makes them null)
      return summary;
    });
  } finally {
    models.forEach((m) => m.dispose());
  }
}

// The Node side of the playground's comparisons: the same setup trained by the same functions (loadSetupData,
// modelOptions, trainConfig) with train's fit on Node's cpu backend, the steps' losses and each epoch's probes kept.
import { initBackend } from '@sugar-lab/core';
import { buildModel } from '@sugar-lab/models';
import { fit } from '@sugar-lab/train';
import { loadSetupData, modelOptions, trainConfig, type RunHistory } from '../session';
import type { PlaygroundSetup } from '../setup';

/**
 * Every activation's run of `setup` (its `steps` a multiple of the steps per epoch) on the cpu backend.
 *
 * @param setup the playground's setup
 */
export async function nodeRuns(setup: PlaygroundSetup): Promise<RunHistory[]> {
  await initBackend('cpu', { quiet: true, strict: true });
  const data = await loadSetupData(setup);
  const runs: RunHistory[] = [];
  for (const label of setup.activations) {
    const model = buildModel('mlp', modelOptions(setup, data, label));
    const run: RunHistory = { label, losses: [], epochs: [], status: 'training' };
    const r = await fit(model, data, trainConfig(setup), { callbacks: { onBatchEnd: (b) => void run.losses.push(b.loss) } });
    run.status = r.status;
    run.epochs = r.epochs.map((m) => ({
      epoch: m.epoch,
      step: m.step,
      trainAcc: m.trainAcc,
      evalAcc: m.evalAcc ?? null,
      evalLoss: m.evalLoss ?? null,
      probes: m.probes ?? null,
    }));
    model.dispose();
    runs.push(run);
  }
  return runs;
}

import type { ActivationSpec } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { activationLayerNames, buildModel } from '@sugar-lab/models';
import { fit } from '@sugar-lab/train';

export interface ProbeCost {
  /** Mean training time of an epoch (steps only) and of its probe pass. */
  trainMsPerEpoch: number;
  probeMsPerEpoch: number;
  /** probe / train: what the probes add to an epoch. */
  probeFraction: number;
  stepsPerEpoch: number;
}

/**
 * Probe cost on the dying-ReLU MLP (12 x 24 on 3-class spirals, batch 64, probes on 512 samples, kernel-gradient
 * norms every 10th step): a short `fit`, comparing each epoch's probe pass with its training steps.
 */
export async function probeCost(activation: ActivationSpec, epochs = 3): Promise<ProbeCost> {
  const data = await loadDataset('spirals', { classes: 3, nTrain: 1600, nTest: 200, noise: 0.1 });
  const model = buildModel('mlp', { depth: 12, width: 24, activation, inputShape: [...data.shape], numClasses: data.numClasses, seed: 0 });
  try {
    const r = await fit(
      model,
      data,
      { epochs, batchSize: 64, optimizer: { name: 'adam', lr: 0.003 }, probes: { size: 512, gradEvery: 10 }, eval: { split: 'none' }, progress: 'none' },
      { activationLayers: activationLayerNames(model) },
    );
    // Epoch 0 is the probe before training; skip the first trained epoch too (warm-up).
    const timed = r.epochs.filter((e) => e.epoch >= 2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const trainMs = mean(timed.map((e) => e.timing.trainMs));
    const probeMs = mean(timed.map((e) => e.timing.probeMs));
    return { trainMsPerEpoch: trainMs, probeMsPerEpoch: probeMs, probeFraction: probeMs / trainMs, stepsPerEpoch: Math.ceil(1600 / 64) };
  } finally {
    model.dispose();
  }
}

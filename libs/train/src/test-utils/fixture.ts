// Small runs shared by the fit tests and the crash child (not part of the public API).
import type { ActivationSpec, BackendName } from '@sugar-lab/core';
import { initBackend } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import type { TrainConfig } from '../config';
import { fit, type FitOptions } from '../fit';
import type { FitResult } from '../metrics';

export const BASE_CONFIG: TrainConfig = {
  seed: 3,
  epochs: 4,
  batchSize: 32,
  optimizer: { name: 'adam', lr: 3e-3 },
  schedule: { kind: 'cosine' },
  warmup: { steps: 4 },
  probes: { size: 64, gradEvery: 2 },
  progress: 'none',
};

export interface TinyRunOptions extends FitOptions {
  backend?: BackendName;
  activation?: ActivationSpec;
  modelSeed?: number;
  batchNorm?: boolean;
}

/** 3-class spirals (192 train / 96 test), MLP 3 x 16: six steps per epoch. */
export async function tinyRun(config: Partial<TrainConfig> = {}, opts: TinyRunOptions = {}): Promise<FitResult> {
  if (opts.backend) await initBackend(opts.backend, { quiet: true });
  const ds = await loadDataset('spirals', { nTrain: 192, nTest: 96, seed: 1 });
  const model = buildModel('mlp', {
    activation: opts.activation ?? { kind: 'relu' },
    inputShape: [2],
    numClasses: 3,
    seed: opts.modelSeed ?? 7,
    depth: 3,
    width: 16,
    batchNorm: opts.batchNorm,
  });
  try {
    return await fit(model, ds, { ...BASE_CONFIG, ...config }, opts);
  } finally {
    model.dispose();
  }
}

/**
 * Largest relative difference between two metric trees of the same shape (so integers must be equal: a dead-unit
 * count off by one is 1/16); a difference in structure throws, naming where.
 */
export function maxRelDiff(a: unknown, b: unknown, at = ''): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    let m = 0;
    for (const k of keys) m = Math.max(m, maxRelDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
    return m;
  }
  if (a !== b) throw new Error(`metrics differ in structure at ${at}: ${String(a)} vs ${String(b)}`);
  return 0;
}

import { type BackendName, canonicalActivation, initBackend, type ActivationSpec, type tf } from '@sugar-lab/core';
import { buildModel } from '@sugar-lab/models';
import type { OptimizerConfig } from '@sugar-lab/train';
import { profileTrainingStep, type StepProfile } from './profile-step';
import { REFERENCE_SHAPES, referenceModel, type ReferenceModel } from './reference-models';

/** What --profile profiles: the two reference models (SGD, as in the PyTorch reference) and the quick sweep's MLP. */
export type ProfileModel = ReferenceModel | 'quick';
export const PROFILE_MODELS: readonly ProfileModel[] = ['mlp', 'cnn', 'quick'];

function profileModel(kind: ProfileModel, act: ActivationSpec): { model: tf.LayersModel; batch: number; optimizer?: OptimizerConfig } {
  // The quick preset's run: 12 x 24 MLP on 2-D spirals, batch 64, Adam 0.003.
  if (kind === 'quick')
    return {
      model: buildModel('mlp', { depth: 12, width: 24, activation: act, inputShape: [2], numClasses: 3, seed: 0 }),
      batch: 64,
      optimizer: { name: 'adam', lr: 0.003 },
    };
  return { model: referenceModel(kind, act), batch: REFERENCE_SHAPES[kind].batch };
}

export interface ProfileRow extends StepProfile {
  backend: BackendName;
  model: ProfileModel;
  activation: string;
  batch: number;
}

export interface ProfileOptions {
  backends: BackendName[];
  models: ProfileModel[];
  activations: ActivationSpec[];
  steps: number;
  warmup: number;
  /** Op types listed per row (the rest are summed as `other`). */
  topOps?: number;
  log?: (line: string) => void;
}

/** `sugar bench --profile`: one profile per backend x reference model x activation. */
export async function runProfiles(opts: ProfileOptions, onRow: (r: ProfileRow) => void): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  for (const want of opts.backends) {
    const got = await initBackend(want, { quiet: true });
    if (got !== want) {
      opts.log?.(`skip ${want}: it does not load here (using it fell back to ${got})`);
      continue;
    }
    for (const model of opts.models) {
      for (const act of opts.activations) {
        const { model: m, batch, optimizer } = profileModel(model, act);
        try {
          const p = await profileTrainingStep(m, batch, opts.steps, opts.warmup, 5, optimizer);
          const row: ProfileRow = { backend: want, model, activation: canonicalActivation(act), batch, ...p };
          rows.push(row);
          onRow(row);
        } finally {
          m.dispose();
        }
      }
    }
  }
  return rows;
}

const ms = (x: number) => `${x.toFixed(2)} ms`;
const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(0)}%`;

/** A block per profile: the split of the wall time, then kernel time by op type. */
export function formatProfile(r: ProfileRow, topOps = 8): string {
  const w = r.wallMs;
  const lines = [
    `${r.backend} ${r.model} ${r.activation} (batch ${r.batch}): ${ms(w)} per step, ${r.kernelCount} kernels`,
    `  ${'kernels'.padEnd(12)}${ms(r.kernelMs).padStart(11)} ${pct(r.kernelMs, w).padStart(5)}   (fixed cost ${r.kernelFloorUs.toFixed(1)} us/kernel: ${ms((r.kernelCount * r.kernelFloorUs) / 1000)})`,
    `  ${'dispatch'.padEnd(12)}${ms(r.dispatchMs).padStart(11)} ${pct(r.dispatchMs, w).padStart(5)}   (engine ${r.dispatchUs.toFixed(1)} us/kernel outside it)`,
    `  ${'transfer'.padEnd(12)}${ms(r.transferMs).padStart(11)} ${pct(r.transferMs, w).padStart(5)}   (${r.uploads} uploads, ${(r.uploadBytes / 1024).toFixed(0)} KiB; ${r.reads} reads)`,
    `  ${'js'.padEnd(12)}${ms(r.jsMs).padStart(11)} ${pct(r.jsMs, w).padStart(5)}   (layers, tape, gradients, optimizer, loss)`,
  ];
  const top = r.ops.slice(0, topOps);
  const rest = r.ops.slice(topOps);
  const cell = (o: { op: string; count: number; ms: number }) => `${o.op} x${o.count} ${o.ms.toFixed(2)}`;
  lines.push(
    `  by op: ${top.map(cell).join(', ')}${rest.length ? `, other x${rest.reduce((s, o) => s + o.count, 0)} ${rest.reduce((s, o) => s + o.ms, 0).toFixed(2)}` : ''}`,
  );
  return lines.join('\n');
}

// One playground run set: a model per activation, all built with the same seed (the same initial weights), each
// trained by train's `fit` on the same data in the same batch order. `fit` asks a shared StepGate before every
// optimizer step (from its callbacks), so the page decides when steps happen: a few per slice, one, or none.
// The node-side test builds its reference from the same functions (modelOptions, trainConfig).
import type { ProbeRecord } from '@sugar-lab/analysis';
import { tf } from '@sugar-lab/core';
import { loadDataset, type Dataset } from '@sugar-lab/datasets';
import { buildModel, type MlpOptions } from '@sugar-lab/models';
import { fit, type EpochMetrics, type FitStatus, type TrainConfig } from '@sugar-lab/train';
import { GateClosedError, StepGate } from './gate';
import { activationSpec, type PlaygroundSetup } from './setup';

/** What the page shows of one activation's run. */
export interface RunHistory {
  label: string;
  /** The training loss of each optimizer step, in order. */
  losses: number[];
  /** One entry per finished epoch (epoch 0 = before training), with its evaluation and probes. */
  epochs: { epoch: number; step: number; trainAcc: number | null; evalAcc: number | null; evalLoss: number | null; probes: ProbeRecord | null }[];
  status: 'training' | FitStatus;
  error?: string;
}

/** Probe samples: the dead-unit counts are over these many training inputs. */
export const PROBE_SIZE = 256;

/**
 * The model options of one activation's MLP for `setup` on `ds` (the seed is the setup's, whatever the activation).
 *
 * @param setup the playground's setup
 * @param ds the loaded dataset
 * @param activation a canonical activation string
 */
export function modelOptions(setup: PlaygroundSetup, ds: Dataset, activation: string): MlpOptions {
  return {
    depth: setup.depth,
    width: setup.width,
    activation: activationSpec(activation),
    inputShape: [...ds.shape],
    numClasses: ds.numClasses,
    seed: setup.seed,
  };
}

/** Optimizer steps in one epoch (the last batch may be smaller). */
export const stepsPerEpoch = (setup: PlaygroundSetup) => Math.ceil(setup.n / setup.batch);

/**
 * The config each run's `fit` gets: enough epochs for `setup.steps` (or practically endless), probes each epoch.
 *
 * @param setup the playground's setup
 */
export function trainConfig(setup: PlaygroundSetup): TrainConfig {
  const epochs = setup.steps > 0 ? Math.ceil(setup.steps / stepsPerEpoch(setup)) : 1_000_000;
  return {
    seed: setup.seed,
    epochs,
    batchSize: setup.batch,
    optimizer: { name: setup.optimizer, lr: setup.lr },
    probes: { size: PROBE_SIZE },
    progress: 'none',
  };
}

/**
 * The setup's dataset: `n` training samples, half as many test samples.
 *
 * @param setup the playground's setup
 */
export function loadSetupData(setup: PlaygroundSetup): Promise<Dataset> {
  return loadDataset(setup.dataset, { nTrain: setup.n, nTest: Math.max(16, Math.floor(setup.n / 2)), seed: setup.seed });
}

function epochEntry(m: EpochMetrics): RunHistory['epochs'][number] {
  return { epoch: m.epoch, step: m.step, trainAcc: m.trainAcc, evalAcc: m.evalAcc ?? null, evalLoss: m.evalLoss ?? null, probes: m.probes ?? null };
}

export class Session {
  readonly runs: RunHistory[];
  readonly models: tf.LayersModel[];
  readonly gate: StepGate;
  private readonly fits: Promise<unknown>[];

  /**
   * Builds every activation's model and starts its `fit`, held before its first step until `advance`.
   *
   * @param setup the playground's setup
   * @param data the setup's dataset (loadSetupData)
   */
  constructor(
    readonly setup: PlaygroundSetup,
    readonly data: Dataset,
  ) {
    this.gate = new StepGate(setup.activations.length);
    this.runs = setup.activations.map((label) => ({ label, losses: [], epochs: [], status: 'training' }));
    this.models = setup.activations.map((a) => buildModel('mlp', modelOptions(setup, data, a)));
    const cfg = trainConfig(setup);
    this.fits = this.models.map((model, k) => {
      const run = this.runs[k];
      // Each step waits for the gate: after epoch 0 and every epoch's evaluation, or after the step before it.
      const callbacks = {
        onBatchEnd: async (b: { batch: number; batches: number; step: number; loss: number }) => {
          run.losses.push(b.loss);
          if (b.batch < b.batches) await this.gate.wait(b.step + 1);
        },
        onEpochEnd: async (m: EpochMetrics) => {
          run.epochs.push(epochEntry(m));
          if (m.epoch < cfg.epochs) await this.gate.wait(m.step + 1);
        },
      };
      return fit(model, data, cfg, { callbacks }).then((r) => {
        run.status = r.error?.startsWith(GateClosedError.name) ? 'interrupted' : r.status;
        if (r.error && run.status !== 'interrupted') run.error = r.error;
        this.gate.leave();
      });
    });
  }

  /** Steps every run has done. */
  get step(): number {
    return Math.min(...this.runs.map((r) => r.losses.length));
  }

  /** True when every run has ended (finished its steps, diverged or failed). */
  get finished(): boolean {
    return this.gate.finished || (this.setup.steps > 0 && this.gate.allowed >= this.setup.steps && this.gate.isIdle);
  }

  /**
   * Lets every run do `n` more steps (never past the setup's `steps`) and resolves when all stand still again.
   *
   * @param n how many steps
   */
  async advance(n: number): Promise<void> {
    const room = this.setup.steps > 0 ? Math.max(0, this.setup.steps - this.gate.allowed) : n;
    this.gate.allow(Math.min(n, room));
    await this.gate.idle();
  }

  /** Stops every run at its next step and frees the models. */
  async dispose(): Promise<void> {
    this.gate.close('the page reset the run');
    await Promise.all(this.fits);
    for (const m of this.models) m.dispose();
  }
}

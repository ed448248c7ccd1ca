import type { ProbeState } from '@sugar-lab/analysis';
import { tf } from '@sugar-lab/core';
import { saveCheckpoint, type LoadedCheckpoint } from './checkpoint';
import { loadLatestIntactCheckpoint } from './checkpoint-recovery';
import type { ResolvedTrainConfig } from './config';
import { CheckpointError } from './errors';
import type { FitRun } from './fit-run';
import type { EpochMetrics } from './metrics';

/** What a checkpoint carries besides the tensors. */
interface RunState {
  configHash: string;
  config: ResolvedTrainConfig;
  /** Epochs completed. */
  epoch: number;
  step: number;
  /** Where the data order continues: epoch `epoch + 1`, batch 0. */
  position: { epoch: number; batch: number };
  /** Shuffling is keyed by (seed, epoch), so the seed and the position are the whole RNG state. */
  rng: { seed: number; stream: string };
  optimizerStep: number;
  probes?: ProbeState;
  metrics: EpochMetrics[];
  modelWeights: string[];
}

function restoreWeights(run: FitRun, ckpt: LoadedCheckpoint<RunState>): void {
  const where = ckpt.dir;
  const weights = run.model.weights;
  if (ckpt.model.length !== weights.length) {
    throw new CheckpointError(`${where}: expected ${weights.length} model weights; the checkpoint has ${ckpt.model.length}`);
  }
  ckpt.model.forEach((t, i) => {
    if (!tf.util.arraysEqual(t.shape, weights[i].shape as number[])) {
      throw new CheckpointError(
        `${where}: model weight ${i} ('${weights[i].originalName}') expected shape [${weights[i].shape.join(',')}]; found [${t.shape.join(',')}] ('${t.name}')`,
      );
    }
  });
  const tensors = ckpt.model.map((t) => tf.tensor(t.data, t.shape, t.dtype));
  run.model.setWeights(tensors);
  tf.dispose(tensors);
  const slots = ckpt.optimizer.map((t) => ({ name: t.name, tensor: tf.tensor(t.data, t.shape, t.dtype) }));
  try {
    run.optimizer.setState(ckpt.manifest.state.optimizerStep, slots);
  } finally {
    tf.dispose(slots.map((s) => s.tensor));
  }
}

/**
 * Continues from the newest intact checkpoint when `resume` is set: weights, optimizer state, probe
 * masks, metrics and step. A corrupt checkpoint is never used (see loadLatestIntactCheckpoint):
 * the run falls back to an older one, or starts over, with a warning either way. The metrics log is
 * rewritten from the checkpoint's metrics when training starts, so no epoch is logged twice.
 */
export function resumeRun(run: FitRun): void {
  const { cfg } = run;
  if (!cfg.resume || !cfg.checkpointDir) return;
  const { checkpoint: ckpt, warnings } = loadLatestIntactCheckpoint<RunState>(cfg.checkpointDir);
  warnings.forEach(run.warn);
  if (!ckpt) return;
  const st = ckpt.manifest.state;
  if (st.configHash !== run.hash) {
    throw new CheckpointError(
      `${ckpt.dir}: the checkpoint belongs to another config (hash ${st.configHash.slice(0, 12)}, this run ${run.hash.slice(0, 12)}); use another checkpointDir or resume: false`,
    );
  }
  restoreWeights(run, ckpt);
  run.probes?.setState(st.probes);
  run.epochs.push(...st.metrics);
  run.step = st.step;
  run.resumedFrom = st.epoch;
  run.checkpoint = ckpt.dir;
}

/** Checkpoints the run after `epoch` (when it has a checkpointDir); returns the milliseconds it took. */
export function checkpointRun(run: FitRun, epoch: number): number {
  const { cfg, model, optimizer } = run;
  if (!cfg.checkpointDir) return 0;
  const t0 = performance.now();
  const state: RunState = {
    configHash: run.hash,
    config: cfg,
    epoch,
    step: run.step,
    position: { epoch: epoch + 1, batch: 0 },
    rng: { seed: cfg.seed, stream: 'train-order/<epoch>' },
    optimizerStep: optimizer.step,
    probes: run.probes?.getState(),
    metrics: run.epochs,
    modelWeights: model.weights.map((w) => w.originalName),
  };
  const modelTensors = model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
  run.checkpoint = saveCheckpoint(cfg.checkpointDir, epoch, state, modelTensors, optimizer.getSlots(), run.keep);
  return performance.now() - t0;
}

import { interruptible, type tf } from '@sugar-lab/core';
import type { TrainConfig } from './config';
import type { TrainData } from './data';
import type { FitOptions } from './fit-options';
import type { FitResult } from './metrics';
import { trainUnit } from './train-unit';
import { stoppedAt } from './stopped-at';

/**
 * Trains `model` on `data` as `config` says: seeded shuffling, the configured optimizer and LR
 * schedule, evaluation and probes each epoch (epoch 0 = before training), a JSONL log and an
 * atomic, checksummed checkpoint after each epoch, and resume from the newest intact checkpoint.
 * Never throws for a failure during training: the result's status says what happened ('diverged'
 * on a non-finite loss, 'interrupted' after an abort, 'failed' with the error). Bad config or data,
 * or a checkpoint of another config, throw before training starts. A run is a work unit of one
 * (trainUnit): a plain MLP on tensorflow with sugar-lab's kernels takes the fused native step. In a notebook, the
 * kernel's interrupt stops it at the next step and it throws InterruptedError saying what was kept.
 *
 * @param model any tf.LayersModel with logits out; it holds the trained weights at the end
 * @param data tensors (`{ train: { x, y }, test?, val? }`), or a dataset from `loadDataset`
 * @param config seed, epochs, batch size, optimizer, schedule, evaluation, probes, and the checkpoint and log paths
 * @param options an AbortSignal, callbacks, the layers to probe, where progress goes, and a handler for warnings
 */
export async function fit(model: tf.LayersModel, data: TrainData, config: TrainConfig, options: FitOptions = {}): Promise<FitResult> {
  const [result] = await interruptible(
    () => trainUnit(data, [{ model, config, options }]),
    (r) => `fit ${stoppedAt(r[0])}`,
  );
  return result;
}

import * as os from 'node:os';
import { datasetInfo } from '@sugar-lab/datasets';
import { modelSize, type ModelSize } from '@sugar-lab/models';
import type { RunIssue } from './run-config';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toPrecision(3)} GiB`;
const num = (x: unknown, fallback: number) => (typeof x === 'number' && Number.isFinite(x) ? x : fallback);
/** The model options that make a model larger, in the order a refusal names them (the first one the spec sets). */
const SIZE_OPTIONS = ['width', 'depth', 'hidden', 'convs', 'stages', 'kernelSize'];

/** Bytes per parameter while training: float32 weights, their gradients, Adam's two moments and a checkpoint copy. */
const PARAM_BYTES = 4 * 5;
/**
 * Bytes per activation value: float32, kept for the backward pass. Their gradients and every op's temporaries come
 * on top; left out, so that what is refused certainly cannot fit (a false refusal would block a run that trains).
 */
const ACTIVATION_BYTES = 4;

/**
 * Runs whose data, model or batch cannot fit in this machine's memory, refused with the estimate before anything is
 * generated or built (a `width: 1e9` or `nTrain: 1e10` otherwise hangs or dies with a RangeError). The data: every
 * sample as float32 features. The model: its exact parameter count from its options (the models' `modelSize`, every
 * built-in family), with gradients, Adam's moments and a checkpoint. A batch: the values its layers output
 * (batchSize x per-sample activations), at least. `memory` defaults to the machine's total.
 */
export function memoryIssues(cfg: Record<string, unknown>, memory = os.totalmem()): RunIssue[] {
  const { name: dsName, ...ds } = (cfg.dataset ?? {}) as Record<string, unknown>;
  let info: ReturnType<typeof datasetInfo>;
  try {
    info = datasetInfo(String(dsName));
  } catch {
    return []; // an unknown dataset is its own issue
  }
  const inputShape = ds.dim !== undefined ? [num(ds.dim, 1)] : info.shape;
  const features = inputShape.reduce((a, b) => a * b, 1);
  // `limit` keeps the first samples of a split: no more than that is ever held.
  const limit = (ds.limit ?? {}) as Record<string, unknown>;
  const nTrain = Math.min(num(ds.nTrain, info.trainSize), num(limit.train, Infinity));
  const samples = nTrain + Math.min(num(ds.nTest, info.testSize), num(limit.test, Infinity));
  const issues: RunIssue[] = [];
  const dataBytes = samples * features * 4;
  if (dataBytes > memory) {
    const field = ds.nTrain !== undefined ? 'nTrain' : 'nTest';
    issues.push({
      path: ['dataset', field],
      reason: `asks for ${samples.toExponential(2)} samples of ${features} features: about ${gib(dataBytes)} as float32, more than this machine's ${gib(memory)}`,
    });
  }
  const { name: modelName, ...model } = (cfg.model ?? {}) as Record<string, unknown>;
  const size = sizeOf(String(modelName), { ...model, inputShape, numClasses: num(ds.classes, info.numClasses) });
  if (!size) return issues;
  const what = modelName === 'mlp' ? 'an MLP' : `a ${String(modelName)} model`;
  const modelBytes = size.params * PARAM_BYTES;
  if (modelBytes > memory) {
    const option = SIZE_OPTIONS.find((k) => model[k] !== undefined);
    issues.push({
      path: option ? ['model', option] : ['model', 'name'],
      reason: `makes ${what} of ${size.params.toExponential(2)} parameters: about ${gib(modelBytes)} with gradients, Adam's moments and a checkpoint, more than this machine's ${gib(memory)}`,
    });
  }
  if (issues.length) return issues;
  // A batch larger than the training split trains on the whole split at once.
  const batch = Math.min(num(cfg.batchSize, 1), nTrain);
  const batchBytes = batch * size.activations * ACTIVATION_BYTES;
  if (dataBytes + modelBytes + batchBytes <= memory) return [];
  return [
    {
      path: ['batchSize'],
      reason:
        `gives batches of ${batch} samples whose activations (${size.activations.toExponential(2)} values per sample in ${what}, ` +
        `kept for the backward pass) need at least ${gib(batchBytes)}; with the model's ${gib(modelBytes)} and the data's ` +
        `${gib(dataBytes)} that is more than this machine's ${gib(memory)}`,
    },
  ];
}

/** The model's size, or undefined where it has no estimate (a plugin's model) or its options do not fit the data. */
function sizeOf(name: string, opts: Parameters<typeof modelSize>[1]): ModelSize | undefined {
  try {
    return modelSize(name, opts);
  } catch {
    return undefined; // an unknown model is its own issue
  }
}

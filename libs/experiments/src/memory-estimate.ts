import * as os from 'node:os';
import { datasetInfo } from '@sugar-lab/datasets';
import { modelOptions } from '@sugar-lab/models';
import type { RunIssue } from './run-config';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toPrecision(3)} GiB`;
const num = (x: unknown, fallback: number) => (typeof x === 'number' && Number.isFinite(x) ? x : fallback);

/**
 * Runs whose data or model cannot fit in this machine's memory, refused with the estimate before anything is
 * generated or built (a `width: 1e9` or `nTrain: 1e10` otherwise hangs or dies with a RangeError). Estimated where
 * the size follows from the options: every dataset's samples (float32 features), and the MLP's weights with their
 * gradients, two Adam moments and a checkpoint copy (x5). `memory` defaults to the machine's total.
 */
export function memoryIssues(cfg: Record<string, unknown>, memory = os.totalmem()): RunIssue[] {
  const { name: dsName, ...ds } = (cfg.dataset ?? {}) as Record<string, unknown>;
  let info: ReturnType<typeof datasetInfo>;
  try {
    info = datasetInfo(String(dsName));
  } catch {
    return []; // an unknown dataset is its own issue
  }
  const features = ds.dim !== undefined ? num(ds.dim, 1) : info.shape.reduce((a, b) => a * b, 1);
  const samples = num(ds.nTrain, info.trainSize) + num(ds.nTest, info.testSize);
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
  if (modelName !== 'mlp') return issues;
  const schema = (modelOptions('mlp') ?? {}) as Record<string, { default?: unknown } | undefined>;
  const width = num(model.width, num(schema.width?.default, 0));
  const depth = num(model.depth, num(schema.depth?.default, 0));
  const classes = num(ds.classes, info.numClasses);
  const params = depth > 0 ? features * width + (depth - 1) * width * width + width * classes + depth * width + classes : features * classes + classes;
  const modelBytes = params * 4 * 5;
  if (modelBytes > memory) {
    issues.push({
      path: ['model', 'width'],
      reason: `makes an MLP of ${params.toExponential(2)} parameters: about ${gib(modelBytes)} with gradients, Adam's moments and a checkpoint, more than this machine's ${gib(memory)}`,
    });
  }
  return issues;
}

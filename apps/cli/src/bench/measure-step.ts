import { median } from '@sugar-lab/analysis';
import { tf } from '@sugar-lab/core';
import { nativeStepOf, Optimizer, resolveTrainConfig, trainStep } from '@sugar-lab/train';

export interface StepTiming {
  msPerStep: number;
  /** Fastest and slowest timed step, to show the spread. */
  msMin: number;
  msMax: number;
  samplesPerSec: number;
  tensorsBefore: number;
  tensorsAfter: number;
  /** Peak bytes held by the backend during the timed steps (tf.memory().numBytes). */
  peakBytes: number;
  /** Resident set size of the process after the steps. */
  rssBytes: number;
  /** Whether the step was the fused native one (what fit takes for a plain MLP on tensorflow with sugar-lab's kernels). */
  fused: boolean;
}

/**
 * Times one SGD training step as `sugar run` takes it (forward, softmax cross-entropy, backward, update, one read of
 * the loss and correct count: the fused native step where fit uses it, else train's trainStep op by op): `warmup`
 * untimed steps, then the median of `steps` timed ones. The batch stays on the backend, as in the PyTorch reference.
 */
export function measureTrainingStep(model: tf.LayersModel, batch: number, steps = 10, warmup = 3): StepTiming {
  const inShape = model.inputs[0].shape.slice(1) as number[];
  const classes = model.outputs[0].shape[1] as number;
  const xs = tf.randomNormal([batch, ...inShape], 0, 1, 'float32', 7);
  const ys = tf.tidy(() => tf.oneHot(tf.randomUniform<tf.Rank.R1>([batch], 0, classes, 'int32', 11), classes));
  const config = resolveTrainConfig({ epochs: 1, batchSize: batch, optimizer: { name: 'sgd', lr: 0.01 } }).optimizer;
  const params = model.trainableWeights.map((w) => ({ variable: w.read() as tf.Variable, decay: false }));
  const native = nativeStepOf(model, config);
  const opt = new Optimizer(config, params);
  const variables = params.map((p) => p.variable);
  const step = native ? () => native.step(xs, ys, 0.01) : () => trainStep(model, variables, opt, xs, ys, 0.01);
  for (let i = 0; i < warmup; i++) step();
  const tensorsBefore = tf.memory().numTensors;
  let peakBytes = tf.memory().numBytes;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    peakBytes = Math.max(peakBytes, tf.memory().numBytes);
  }
  const tensorsAfter = tf.memory().numTensors;
  native?.dispose();
  opt.dispose();
  xs.dispose();
  ys.dispose();
  const ms = median(times);
  return {
    msPerStep: ms,
    msMin: Math.min(...times),
    msMax: Math.max(...times),
    samplesPerSec: (batch * 1000) / ms,
    tensorsBefore,
    tensorsAfter,
    peakBytes,
    rssBytes: process.memoryUsage().rss,
    fused: native !== undefined,
  };
}

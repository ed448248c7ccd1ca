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

/** One model's training step with its batch and optimizer, ready to time. */
interface PreparedStep {
  step(): void;
  dispose(): void;
  batch: number;
  fused: boolean;
}

function prepare(model: tf.LayersModel, batch: number): PreparedStep {
  const inShape = model.inputs[0].shape.slice(1) as number[];
  const classes = model.outputs[0].shape[1] as number;
  const xs = tf.randomNormal([batch, ...inShape], 0, 1, 'float32', 7);
  const ys = tf.tidy(() => tf.oneHot(tf.randomUniform<tf.Rank.R1>([batch], 0, classes, 'int32', 11), classes));
  const config = resolveTrainConfig({ epochs: 1, batchSize: batch, optimizer: { name: 'sgd', lr: 0.01 } }).optimizer;
  const params = model.trainableWeights.map((w) => ({ variable: w.read() as tf.Variable, decay: false }));
  const native = nativeStepOf(model, config);
  const opt = new Optimizer(config, params);
  const variables = params.map((p) => p.variable);
  return {
    step: native ? () => void native.step(xs, ys, 0.01) : () => void trainStep(model, variables, opt, xs, ys, 0.01),
    dispose: () => {
      native?.dispose();
      opt.dispose();
      tf.dispose([xs, ys]);
    },
    batch,
    fused: native !== undefined,
  };
}

/**
 * Times one SGD training step of each model as `sugar run` takes it (forward, softmax cross-entropy, backward,
 * update, one read of the loss and correct count: the fused native step where fit uses it, else train's trainStep op
 * by op): `warmup` untimed steps of each, then `steps` timed ones, interleaved (step i of every model before step
 * i + 1 of any, so a machine whose speed drifts weighs on all of them alike and their ratios hold), the median of
 * each. The batch stays on the backend, as in the PyTorch reference.
 */
export function measureTrainingSteps(models: { model: tf.LayersModel; batch: number }[], steps = 10, warmup = 3): StepTiming[] {
  const prepared = models.map(({ model, batch }) => prepare(model, batch));
  for (const p of prepared) for (let i = 0; i < warmup; i++) p.step();
  const tensorsBefore = tf.memory().numTensors;
  const times = prepared.map(() => [] as number[]);
  const peaks = prepared.map(() => tf.memory().numBytes);
  for (let i = 0; i < steps; i++) {
    prepared.forEach((p, k) => {
      const t0 = process.hrtime.bigint();
      p.step();
      times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      peaks[k] = Math.max(peaks[k], tf.memory().numBytes);
    });
  }
  const tensorsAfter = tf.memory().numTensors;
  const rssBytes = process.memoryUsage().rss;
  prepared.forEach((p) => p.dispose());
  return prepared.map((p, k) => {
    const ms = median(times[k]);
    return {
      msPerStep: ms,
      msMin: Math.min(...times[k]),
      msMax: Math.max(...times[k]),
      samplesPerSec: (p.batch * 1000) / ms,
      tensorsBefore,
      tensorsAfter,
      peakBytes: peaks[k],
      rssBytes,
      fused: p.fused,
    };
  });
}

/** measureTrainingSteps for one model. */
export function measureTrainingStep(model: tf.LayersModel, batch: number, steps = 10, warmup = 3): StepTiming {
  return measureTrainingSteps([{ model, batch }], steps, warmup)[0];
}

import { findActivationLayers, ProbeSuite, type ProbeState } from '@sugar-lab/analysis';
import { tf } from '@sugar-lab/core';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint, type LoadedCheckpoint } from './checkpoint';
import { resolveTrainConfig, RUNTIME_FIELDS, type ResolvedTrainConfig, type TrainConfig } from './config';
import { batchesPerEpoch, dataSource, trainOrder, type TrainData } from './data';
import { CheckpointError, TrainDataError } from './errors';
import { evaluate } from './evaluate';
import { hashJson } from './hash';
import { JsonlSink } from './jsonl';
import { correctCount, softmaxCrossEntropy } from './loss';
import type { BatchInfo, EpochDetail, EpochMetrics, FitResult, FitStatus } from './metrics';
import { Optimizer, type ParamSpec } from './optimizers';
import { createProgress, formatNumber, type ProgressStream } from './progress';
import { learningRateAt } from './schedule';

export interface FitCallbacks {
  /** After every optimizer step. */
  onBatchEnd?(info: BatchInfo): void | Promise<void>;
  /** After each epoch's record is logged and checkpointed (epoch 0 included). */
  onEpochEnd?(metrics: EpochMetrics, detail: EpochDetail): void | Promise<void>;
  onTrainEnd?(result: FitResult): void | Promise<void>;
}

/** The parts of a run that are not serializable config. */
export interface FitOptions {
  /** When aborted, the run finishes the current epoch (logged and checkpointed) and stops as 'interrupted'. */
  signal?: AbortSignal;
  callbacks?: FitCallbacks;
  /** Names of the layers to probe (e.g. activationLayerNames(model)); default: found by class. */
  activationLayers?: string[];
  /** Where progress goes (default process.stderr). */
  progressStream?: ProgressStream;
}

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

const now = () => performance.now();
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function configHash(cfg: ResolvedTrainConfig): string {
  const numeric: Record<string, unknown> = { ...cfg };
  for (const k of RUNTIME_FIELDS) delete numeric[k];
  return hashJson(numeric);
}

function paramSpecs(model: tf.LayersModel, cfg: ResolvedTrainConfig): ParamSpec[] {
  return model.trainableWeights.map((w) => ({
    variable: w.read() as tf.Variable,
    decay: cfg.optimizer.decayOn === 'all' || /kernel/.test(w.originalName),
  }));
}

function restore(model: tf.LayersModel, ckpt: LoadedCheckpoint<RunState>, optimizer: Optimizer): void {
  const where = ckpt.dir;
  const weights = model.weights;
  if (ckpt.model.length !== weights.length) {
    throw new CheckpointError(`${where}: expected ${weights.length} model weights; the checkpoint has ${ckpt.model.length}`);
  }
  ckpt.model.forEach((t, i) => {
    if (!tf.util.arraysEqual(t.shape, weights[i].shape as number[])) {
      throw new CheckpointError(`${where}: model weight ${i} ('${weights[i].originalName}') expected shape [${weights[i].shape}]; found [${t.shape}] ('${t.name}')`);
    }
  });
  const tensors = ckpt.model.map((t) => tf.tensor(t.data, t.shape, t.dtype));
  model.setWeights(tensors);
  tf.dispose(tensors);
  const slots = ckpt.optimizer.map((t) => ({ name: t.name, tensor: tf.tensor(t.data, t.shape, t.dtype) }));
  try {
    optimizer.setState(ckpt.manifest.state.optimizerStep, slots);
  } finally {
    tf.dispose(slots.map((s) => s.tensor));
  }
}

function epochLine(m: EpochMetrics, epochs: number): string {
  const parts = [`epoch ${m.epoch}/${epochs}`];
  if (m.trainLoss !== null) parts.push(`loss ${formatNumber(m.trainLoss)} acc ${formatNumber(m.trainAcc ?? NaN)}`);
  if (m.evalLoss !== undefined) parts.push(`${m.evalSplit} loss ${formatNumber(m.evalLoss)} acc ${formatNumber(m.evalAcc ?? NaN)}`);
  if (m.probes) parts.push(`dead ${(100 * m.probes.deadFraction).toFixed(1)}% resurrected ${m.probes.resurrected}`);
  const t = m.timing;
  parts.push(`${((t.trainMs + t.evalMs + t.probeMs) / 1000).toFixed(2)}s`);
  return parts.join(' | ');
}

/**
 * Trains `model` on `data` as `config` says: seeded shuffling, the configured optimizer and LR
 * schedule, evaluation and probes each epoch (epoch 0 = before training), a JSONL log and an
 * atomic checkpoint after each epoch, and resume from the latest checkpoint. Never throws for a
 * failure during training: the result's status says what happened ('diverged' on a non-finite
 * loss, 'interrupted' after an abort, 'failed' with the error). Bad config or data throw before
 * training starts.
 */
export async function fit(model: tf.LayersModel, data: TrainData, config: TrainConfig, options: FitOptions = {}): Promise<FitResult> {
  const cfg = resolveTrainConfig(config);
  const outShape = (model.outputs[0]?.shape ?? []) as (number | null)[];
  const outWidth = outShape[outShape.length - 1] ?? undefined;
  const source = dataSource(data, cfg.data, cfg.seed, outWidth);
  const evalName = cfg.eval.split ?? (source.size('val') ? 'val' : source.size('test') ? 'test' : 'none');
  if (evalName !== 'none' && !source.size(evalName)) throw new TrainDataError(`fit: eval.split is '${evalName}' but the data has no ${evalName} split`);
  const n = source.size('train') ?? 0;
  const batches = batchesPerEpoch(n, cfg.batchSize, cfg.dropLast);
  if (batches === 0) throw new TrainDataError(`fit: expected at least one batch of ${cfg.batchSize}; the train split has ${n} samples${cfg.dropLast ? ' and dropLast is set' : ''}`);
  const totalSteps = cfg.epochs * batches;
  const hash = configHash(cfg);
  const schedCtx = { baseLr: cfg.optimizer.lr, stepsPerEpoch: batches, totalSteps };
  const { signal, callbacks = {} } = options;

  const params = paramSpecs(model, cfg);
  const variables = params.map((p) => p.variable);
  const optimizer = new Optimizer(cfg.optimizer, params);
  let probes: ProbeSuite | undefined;
  let sink: JsonlSink | undefined;
  const epochs: EpochMetrics[] = [];
  let step = 0;
  let status: FitStatus = 'completed';
  let error: string | undefined;
  let resumedFrom: number | undefined;
  let checkpoint: string | undefined;
  const progress = createProgress(cfg.progress, cfg.epochs, options.progressStream);

  try {
    const layerNames = cfg.probes?.layers ?? options.activationLayers;
    // Probes are on by default, but a model without activation layers (a linear one) just has none.
    const wanted = cfg.probes === undefined ? findActivationLayers(model, layerNames).length > 0 : cfg.probes.enabled !== false;
    if (wanted) {
      const size = Math.min(cfg.probes?.size ?? 512, n);
      const head = source.range('train', 0, size);
      try {
        probes = new ProbeSuite(model, head.x, { ...cfg.probes, layers: layerNames });
      } finally {
        tf.dispose([head.x, head.y]);
      }
    }
    if (cfg.resume && cfg.checkpointDir) {
      const dir = latestCheckpoint(cfg.checkpointDir);
      if (dir) {
        const ckpt = loadCheckpoint<RunState>(dir);
        const st = ckpt.manifest.state;
        if (st.configHash !== hash) {
          throw new CheckpointError(`${dir}: the checkpoint belongs to another config (hash ${st.configHash.slice(0, 12)}, this run ${hash.slice(0, 12)}); use another checkpointDir or resume: false`);
        }
        restore(model, ckpt, optimizer);
        probes?.setState(st.probes);
        epochs.push(...st.metrics);
        step = st.step;
        resumedFrom = st.epoch;
        checkpoint = dir;
      }
    }
  } catch (err) {
    optimizer.dispose();
    probes?.dispose();
    throw err;
  }

  const saveState = (epoch: number): number => {
    if (!cfg.checkpointDir) return 0;
    const t0 = now();
    const state: RunState = {
      configHash: hash,
      config: cfg,
      epoch,
      step,
      position: { epoch: epoch + 1, batch: 0 },
      rng: { seed: cfg.seed, stream: 'train-order/<epoch>' },
      optimizerStep: optimizer.step,
      probes: probes?.getState(),
      metrics: epochs,
      modelWeights: model.weights.map((w) => w.originalName),
    };
    const modelTensors = model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
    const slots = optimizer.getSlots();
    checkpoint = saveCheckpoint(cfg.checkpointDir, epoch, state, modelTensors, slots, cfg.keepCheckpoints);
    return now() - t0;
  };

  // Evaluation and probes at the end of an epoch; logs, checkpoints and reports the record.
  const finishEpoch = async (m: Omit<EpochMetrics, 'evalSplit' | 'evalLoss' | 'evalAcc' | 'probes' | 'timing'>, trainMs: number) => {
    const record: EpochMetrics = { ...m, timing: { trainMs, evalMs: 0, probeMs: 0, checkpointMs: 0 } };
    let t0 = now();
    if (evalName !== 'none') {
      const r = evaluate(model, source, evalName, cfg.eval.batchSize);
      record.evalSplit = evalName as 'val' | 'test';
      record.evalLoss = r.loss;
      record.evalAcc = r.accuracy;
    }
    record.timing.evalMs = now() - t0;
    t0 = now();
    let detail: EpochDetail = {};
    if (probes) {
      const { record: p, units } = probes.measure();
      record.probes = p;
      detail = { units };
    }
    record.timing.probeMs = now() - t0;
    epochs.push(record);
    record.timing.checkpointMs = saveState(m.epoch);
    sink?.append({ type: 'epoch', ...record });
    progress.epoch(epochLine(record, cfg.epochs));
    await callbacks.onEpochEnd?.(record, detail);
  };

  try {
    if (cfg.logPath) sink = new JsonlSink(cfg.logPath, epochs.map((e) => ({ type: 'epoch', ...e })));
    if (epochs.length === 0) await finishEpoch({ epoch: 0, step: 0, lr: null, trainLoss: null, trainAcc: null }, 0);
    let lastYield = now();
    for (let epoch = epochs[epochs.length - 1].epoch + 1; epoch <= cfg.epochs && status === 'completed'; epoch++) {
      if (signal?.aborted) {
        status = 'interrupted';
        break;
      }
      const t0 = now();
      const order = trainOrder(n, cfg.seed, epoch);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let lr = NaN;
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * cfg.batchSize, Math.min((b + 1) * cfg.batchSize, n));
        lr = learningRateAt(step, cfg.schedule, cfg.warmup, schedCtx);
        const measureGrads = probes?.wantsGradients(step) ?? false;
        const { x: xb, y: yb } = source.batch('train', idx, epoch);
        const r = tf.tidy(() => {
          let correct: tf.Scalar | undefined;
          const { value, grads } = tf.variableGrads(() => {
            const logits = model.apply(xb, { training: true }) as tf.Tensor;
            correct = tf.keep(correctCount(logits, yb));
            return softmaxCrossEntropy(logits, yb);
          }, variables);
          const both = tf.stack([value, correct!]);
          const [loss, right] = both.dataSync();
          correct!.dispose();
          if (!Number.isFinite(loss)) return { loss, right };
          if (measureGrads) probes!.recordGradients(grads);
          optimizer.apply(grads, lr);
          return { loss, right };
        });
        tf.dispose([xb, yb]);
        if (!Number.isFinite(r.loss)) {
          status = 'diverged';
          error = `loss became ${r.loss} at epoch ${epoch}, batch ${b + 1}, step ${step + 1} (lr ${lr})`;
          break;
        }
        step++;
        lossSum += r.loss * idx.length;
        correctSum += r.right;
        seen += idx.length;
        progress.batch(epoch, b + 1, batches, r.loss, lr);
        await callbacks.onBatchEnd?.({ epoch, batch: b + 1, batches, step, loss: r.loss, lr });
        // Let signal handlers (Ctrl-C) and timers run during a long epoch.
        if (now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      if (status !== 'completed') break;
      await finishEpoch({ epoch, step, lr, trainLoss: lossSum / seen, trainAcc: correctSum / seen }, now() - t0);
    }
  } catch (err) {
    status = 'failed';
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }

  const final = epochs[epochs.length - 1];
  const result: FitResult = { status, epochs, final, step };
  if (error !== undefined) result.error = error;
  if (resumedFrom !== undefined) result.resumedFrom = resumedFrom;
  if (checkpoint !== undefined) result.checkpoint = checkpoint;
  try {
    sink?.append({ type: 'end', status, epoch: final?.epoch ?? 0, step, ...(error ? { error } : {}) });
  } catch {
    // The log is best effort once training has ended; the result still carries the status.
  }
  sink?.close();
  progress.done(`${status} after ${step} steps${error ? `: ${error}` : ''}`);
  optimizer.dispose();
  probes?.dispose();
  await callbacks.onTrainEnd?.(result);
  return result;
}

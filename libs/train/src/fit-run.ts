import { findActivationLayers, ProbeSuite } from '@sugar-lab/analysis';
import { canonicalHash, type tf } from '@sugar-lab/core';
import { resolveTrainConfig, RUNTIME_FIELDS, type ResolvedTrainConfig, type TrainConfig } from './config';
import { batchesPerEpoch, dataSource, type DataSource, type TrainData } from './data';
import { TrainDataError } from './errors';
import type { FitCallbacks, FitOptions } from './fit-options';
import type { JsonlSink } from './jsonl';
import type { EpochMetrics } from './metrics';
import { modelParams, Optimizer } from './optimizers';
import { createProgress, type ProgressReporter } from './progress';
import { stderr } from './stderr';
import type { TensorBoardSink } from './tensorboard-sink';

/** Everything one call of `fit` works with, and the run's state so far (internal to fit's steps). */
export interface FitRun {
  readonly model: tf.LayersModel;
  readonly cfg: ResolvedTrainConfig;
  readonly keep: number;
  readonly hash: string;
  readonly source: DataSource;
  readonly evalName: 'val' | 'test' | 'none';
  /** Train samples, and batches per epoch. */
  readonly n: number;
  readonly batches: number;
  readonly schedCtx: { baseLr: number; stepsPerEpoch: number; totalSteps: number };
  readonly signal: AbortSignal | undefined;
  readonly callbacks: FitCallbacks;
  readonly variables: tf.Variable[];
  readonly optimizer: Optimizer;
  readonly progress: ProgressReporter;
  readonly warn: (message: string) => void;
  /** The `config` text of its TensorBoard log. */
  readonly tensorboardConfig: unknown;
  probes?: ProbeSuite;
  sink?: JsonlSink;
  tensorboard?: TensorBoardSink;
  epochs: EpochMetrics[];
  step: number;
  resumedFrom?: number;
  checkpoint?: string;
  warnings: string[];
}

/** The config's numeric part (runtime fields left out): what a checkpoint must match to be resumed. */
export function configHash(cfg: ResolvedTrainConfig): string {
  const numeric: Record<string, unknown> = { ...cfg };
  for (const k of RUNTIME_FIELDS) delete numeric[k];
  return canonicalHash(numeric);
}

function evalSplitOf(cfg: ResolvedTrainConfig, source: DataSource): 'val' | 'test' | 'none' {
  const name = cfg.eval.split ?? (source.size('val') ? 'val' : source.size('test') ? 'test' : 'none');
  if (name !== 'none' && !source.size(name)) throw new TrainDataError(`fit: eval.split is '${name}' but the data has no ${name} split`);
  return name;
}

const defaultWarn = (message: string) => void stderr('warn').write(`warning: ${message}\n`);

/** Validates config and data (throws before anything trains) and builds the run: optimizer, progress. */
export function createRun(model: tf.LayersModel, data: TrainData, config: TrainConfig, options: FitOptions): FitRun {
  const cfg = resolveTrainConfig(config);
  const outShape = model.outputs[0]?.shape ?? [];
  const source = dataSource(data, cfg.data, cfg.seed, outShape[outShape.length - 1] ?? undefined);
  const evalName = evalSplitOf(cfg, source);
  const n = source.size('train') ?? 0;
  const batches = batchesPerEpoch(n, cfg.batchSize, cfg.dropLast);
  if (batches === 0)
    throw new TrainDataError(
      `fit: expected at least one batch of ${cfg.batchSize}; the train split has ${n} samples${cfg.dropLast ? ' and dropLast is set' : ''}`,
    );
  const params = modelParams(model, cfg.optimizer);
  const warnings: string[] = [];
  const onWarning = (message: string) => (options.onWarning ? options.onWarning(message) : defaultWarn(message));
  return {
    model,
    cfg,
    keep: cfg.keepCheckpoints,
    hash: configHash(cfg),
    source,
    evalName,
    n,
    batches,
    schedCtx: { baseLr: cfg.optimizer.lr, stepsPerEpoch: batches, totalSteps: cfg.epochs * batches },
    signal: options.signal,
    callbacks: options.callbacks ?? {},
    variables: params.map((p) => p.variable),
    optimizer: new Optimizer(cfg.optimizer, params),
    progress: createProgress(cfg.progress, cfg.epochs, options.progressStream),
    warn: (message) => {
      warnings.push(message);
      onWarning(message);
    },
    tensorboardConfig: options.tensorboardConfig ?? cfg,
    epochs: [],
    step: 0,
    warnings,
  };
}

/** Probes are on by default, but a model without activation layers (a linear one) just has none. */
export function attachProbes(run: FitRun, activationLayers: string[] | undefined): void {
  const { cfg, model } = run;
  const layerNames = cfg.probes?.layers ?? activationLayers;
  const wanted = cfg.probes === undefined ? findActivationLayers(model, layerNames).length > 0 : cfg.probes.enabled !== false;
  if (!wanted) return;
  const head = run.source.range('train', 0, Math.min(cfg.probes?.size ?? 512, run.n));
  try {
    run.probes = new ProbeSuite(model, head.x, { ...cfg.probes, layers: layerNames });
  } finally {
    head.x.dispose();
    head.y.dispose();
  }
}

/** Frees what the run allocated (optimizer state, probes); the model stays the caller's. */
export function disposeRun(run: FitRun): void {
  run.optimizer.dispose();
  run.probes?.dispose();
}

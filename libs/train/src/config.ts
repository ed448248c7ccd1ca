import type { ProbeConfig } from '@sugar-lab/analysis';
import { TrainConfigError } from './errors';

/** Optimizer settings. Semantics follow PyTorch's SGD, Adam and AdamW. */
export interface OptimizerConfig {
  name: 'sgd' | 'adam' | 'adamw';
  /** Base learning rate (before the schedule). */
  lr: number;
  /** sgd: momentum (default 0). */
  momentum?: number;
  /** sgd: Nesterov momentum (default false; needs momentum > 0). */
  nesterov?: boolean;
  /** sgd and adam: L2 penalty added to the gradient; adamw: decoupled decay w -= lr * wd * w (default 0; adamw 0.01). */
  weightDecay?: number;
  /** Which variables weight decay applies to: 'all' (PyTorch's default) or only 'kernels' (default 'all'). */
  decayOn?: 'all' | 'kernels';
  /** adam/adamw (defaults 0.9, 0.999, 1e-8). */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** The main LR schedule, applied after the warmup over the remaining steps. */
export type ScheduleConfig =
  | { kind: 'constant' }
  /** lr * gamma^floor(t / every), t counted in `unit`s since the warmup ended (default unit 'epoch', gamma 0.1). */
  | { kind: 'step'; every: number; gamma?: number; unit?: 'epoch' | 'step' }
  /** Cosine from lr to lr * minFactor over the steps after the warmup (default minFactor 0). */
  | { kind: 'cosine'; minFactor?: number }
  /** Linear from lr to lr * endFactor over the steps after the warmup (default endFactor 0). */
  | { kind: 'linear'; endFactor?: number };

/** Linear warmup from lr * startFactor to lr over `steps` steps or `epochs` epochs. */
export interface WarmupConfig {
  steps?: number;
  epochs?: number;
  /** Default 0. The first step uses lr * startFactor. */
  startFactor?: number;
}

/** How a @sugar-lab/datasets dataset is turned into batches (ignored for tensor data). */
export interface DataConfig {
  /** Per-channel standardization with the training split's statistics (default false). */
  normalize?: boolean;
  /** Training-time augmentation: true = random crop 4 + flip (images only; default off). */
  augment?: boolean | { crop?: number; flip?: boolean };
}

export interface EvalConfig {
  /** Which split to evaluate each epoch: 'val', 'test' or 'none' (default: 'val' if the data has it, else 'test'). */
  split?: 'val' | 'test' | 'none';
  /** Default 1024. */
  batchSize?: number;
}

/**
 * One training run, as a plain JSON-serializable object. Everything that changes the numbers is
 * here (and hashed into the checkpoint); `logPath`, `checkpointDir`, `resume` and `progress`
 * only say where things go and how it looks.
 */
export interface TrainConfig {
  /** Seeds the shuffling (the model's initial weights are seeded where it is built). Default 0. */
  seed?: number;
  epochs: number;
  batchSize: number;
  /** Drop the last incomplete batch of each epoch (default false). */
  dropLast?: boolean;
  optimizer: OptimizerConfig;
  /** Default { kind: 'constant' }. */
  schedule?: ScheduleConfig;
  warmup?: WarmupConfig;
  eval?: EvalConfig;
  data?: DataConfig;
  /** Dead units, sparsity, resurrection and gradient norms (default: enabled, 512 probe samples). */
  probes?: ProbeConfig;
  /** Per-epoch metrics, one JSON object per line (appended, fsync'd each epoch). */
  logPath?: string;
  /** Checkpoint after each epoch here (atomically); needed for `resume`. */
  checkpointDir?: string;
  /** Continue from the latest checkpoint in `checkpointDir` if there is one (default false). */
  resume?: boolean;
  /** Checkpoints kept (default 1: the latest). */
  keepCheckpoints?: number;
  /** 'auto': a bar on a TTY, one line per epoch otherwise (default 'auto'). */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
}

/** Fields that do not change the numbers; they are left out of the checkpoint's config hash. */
export const RUNTIME_FIELDS = ['logPath', 'checkpointDir', 'resume', 'keepCheckpoints', 'progress'] as const;

export interface ResolvedOptimizerConfig extends Required<Omit<OptimizerConfig, 'name'>> {
  name: OptimizerConfig['name'];
}

export interface ResolvedTrainConfig extends Omit<TrainConfig, 'optimizer' | 'schedule' | 'eval' | 'seed' | 'dropLast' | 'data'> {
  seed: number;
  data: DataConfig;
  dropLast: boolean;
  optimizer: ResolvedOptimizerConfig;
  schedule: ScheduleConfig;
  eval: Required<EvalConfig> | { split: undefined; batchSize: number };
  keepCheckpoints: number;
  progress: NonNullable<TrainConfig['progress']>;
}

function num(path: string, x: unknown, min: number, max = Infinity, opts: { integer?: boolean; exclusiveMin?: boolean } = {}): number {
  const ok =
    typeof x === 'number' &&
    Number.isFinite(x) &&
    (opts.exclusiveMin ? x > min : x >= min) &&
    x <= max &&
    (!opts.integer || Number.isInteger(x));
  if (!ok) {
    const range = `${opts.exclusiveMin ? '>' : '>='} ${min}${max < Infinity ? ` and <= ${max}` : ''}`;
    throw new TrainConfigError(path, `${opts.integer ? 'an integer' : 'a number'} ${range}`, x);
  }
  return x as number;
}

function oneOf<T extends string>(path: string, x: unknown, options: readonly T[]): T {
  if (!options.includes(x as T)) throw new TrainConfigError(path, `one of ${options.map((o) => `'${o}'`).join(', ')}`, x);
  return x as T;
}

/** Validates a config and fills in the defaults; errors name the offending field's path. */
export function resolveTrainConfig(config: TrainConfig): ResolvedTrainConfig {
  if (!config || typeof config !== 'object') throw new TrainConfigError('', 'a config object', config);
  const c = config;
  const seed = c.seed === undefined ? 0 : num('seed', c.seed, -(2 ** 31), 2 ** 32, { integer: true });
  num('epochs', c.epochs, 0, Infinity, { integer: true });
  num('batchSize', c.batchSize, 1, Infinity, { integer: true });
  const o = c.optimizer;
  if (!o || typeof o !== 'object') throw new TrainConfigError('optimizer', "an object such as { name: 'adam', lr: 1e-3 }", o);
  const name = oneOf('optimizer.name', o.name, ['sgd', 'adam', 'adamw'] as const);
  const optimizer: ResolvedOptimizerConfig = {
    name,
    lr: num('optimizer.lr', o.lr, 0),
    momentum: num('optimizer.momentum', o.momentum ?? 0, 0, 1),
    nesterov: o.nesterov ?? false,
    weightDecay: num('optimizer.weightDecay', o.weightDecay ?? (name === 'adamw' ? 0.01 : 0), 0),
    decayOn: oneOf('optimizer.decayOn', o.decayOn ?? 'all', ['all', 'kernels'] as const),
    beta1: num('optimizer.beta1', o.beta1 ?? 0.9, 0, 1),
    beta2: num('optimizer.beta2', o.beta2 ?? 0.999, 0, 1),
    eps: num('optimizer.eps', o.eps ?? 1e-8, 0),
  };
  if (typeof optimizer.nesterov !== 'boolean') throw new TrainConfigError('optimizer.nesterov', 'a boolean', o.nesterov);
  if (optimizer.nesterov && !(optimizer.momentum > 0)) {
    throw new TrainConfigError('optimizer.momentum', 'a number > 0 when nesterov is true', o.momentum);
  }
  if (name !== 'sgd' && (o.momentum !== undefined || o.nesterov !== undefined)) {
    throw new TrainConfigError('optimizer.momentum', `unset for '${name}' (momentum and nesterov are sgd options)`, o.momentum ?? o.nesterov);
  }
  const schedule = c.schedule ?? { kind: 'constant' };
  const kind = oneOf('schedule.kind', (schedule as { kind?: unknown }).kind, ['constant', 'step', 'cosine', 'linear'] as const);
  if (kind === 'step') {
    const s = schedule as Extract<ScheduleConfig, { kind: 'step' }>;
    num('schedule.every', s.every, 1, Infinity, { integer: true });
    num('schedule.gamma', s.gamma ?? 0.1, 0);
    oneOf('schedule.unit', s.unit ?? 'epoch', ['epoch', 'step'] as const);
  }
  if (kind === 'cosine') num('schedule.minFactor', (schedule as { minFactor?: number }).minFactor ?? 0, 0);
  if (kind === 'linear') num('schedule.endFactor', (schedule as { endFactor?: number }).endFactor ?? 0, 0);
  if (c.warmup !== undefined) {
    const w = c.warmup;
    if (!w || typeof w !== 'object') throw new TrainConfigError('warmup', 'an object { steps } or { epochs }', w);
    if ((w.steps === undefined) === (w.epochs === undefined)) {
      throw new TrainConfigError('warmup', 'exactly one of steps, epochs', w);
    }
    if (w.steps !== undefined) num('warmup.steps', w.steps, 0, Infinity, { integer: true });
    if (w.epochs !== undefined) num('warmup.epochs', w.epochs, 0);
    num('warmup.startFactor', w.startFactor ?? 0, 0);
  }
  const ev = c.eval ?? {};
  const split = ev.split === undefined ? undefined : oneOf('eval.split', ev.split, ['val', 'test', 'none'] as const);
  const evalBatch = num('eval.batchSize', ev.batchSize ?? 1024, 1, Infinity, { integer: true });
  if (c.probes !== undefined && (c.probes === null || typeof c.probes !== 'object')) {
    throw new TrainConfigError('probes', 'an object', c.probes);
  }
  if (c.probes?.size !== undefined) num('probes.size', c.probes.size, 1, Infinity, { integer: true });
  if (c.probes?.batchSize !== undefined) num('probes.batchSize', c.probes.batchSize, 1, Infinity, { integer: true });
  if (c.probes?.gradEvery !== undefined) num('probes.gradEvery', c.probes.gradEvery, 0, Infinity, { integer: true });
  const data = c.data ?? {};
  if (data.normalize !== undefined && typeof data.normalize !== 'boolean') throw new TrainConfigError('data.normalize', 'a boolean', data.normalize);
  if (c.resume && !c.checkpointDir) throw new TrainConfigError('checkpointDir', 'a directory when resume is true', c.checkpointDir);
  return {
    ...c,
    seed,
    dropLast: c.dropLast ?? false,
    data,
    optimizer,
    schedule,
    eval: { split: split as 'val' | 'test' | 'none', batchSize: evalBatch },
    keepCheckpoints: num('keepCheckpoints', c.keepCheckpoints ?? 1, 1, Infinity, { integer: true }),
    progress: oneOf('progress', c.progress ?? 'auto', ['auto', 'bar', 'lines', 'none'] as const),
  };
}

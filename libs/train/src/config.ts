import type { ProbeConfig } from '@sugar-lab/analysis';
import { describeValue, didYouMean } from '@sugar-lab/core';
import { DEFAULT_KEEP_CHECKPOINTS } from './checkpoint-keep';
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
 * here (and hashed into the checkpoint); `logPath`, `tensorboardDir`, `checkpointDir`, `resume` and `progress`
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
  /**
   * TensorBoard events here (a directory, created): every epoch's metrics at step = the epoch, one new file per
   * process (see TensorBoardSink); `tensorboard --logdir` on it, or on a folder of such directories.
   */
  tensorboardDir?: string;
  /** Checkpoint after each epoch here (atomically); needed for `resume`. */
  checkpointDir?: string;
  /** Continue from the latest checkpoint in `checkpointDir` if there is one (default false). */
  resume?: boolean;
  /** Checkpoints kept (default 2: the latest and one to fall back to if it proves corrupt). */
  keepCheckpoints?: number;
  /** 'auto': a display updated in place in a notebook, a bar on a TTY, one line per epoch otherwise (default 'auto'). */
  progress?: 'auto' | 'bar' | 'lines' | 'none';
}

/** Fields that do not change the numbers; they are left out of the checkpoint's config hash. */
export const RUNTIME_FIELDS = ['logPath', 'tensorboardDir', 'checkpointDir', 'resume', 'keepCheckpoints', 'progress'] as const;

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

// The keys each object may hold. `satisfies` keeps these lists complete when an interface gains a field.
const TRAIN_KEYS = Object.keys({
  seed: 1,
  epochs: 1,
  batchSize: 1,
  dropLast: 1,
  optimizer: 1,
  schedule: 1,
  warmup: 1,
  eval: 1,
  data: 1,
  probes: 1,
  logPath: 1,
  tensorboardDir: 1,
  checkpointDir: 1,
  resume: 1,
  keepCheckpoints: 1,
  progress: 1,
} satisfies Record<keyof TrainConfig, 1>);
const SGD_KEYS = ['name', 'lr', 'momentum', 'nesterov', 'weightDecay', 'decayOn'];
const ADAM_KEYS = ['name', 'lr', 'weightDecay', 'decayOn', 'beta1', 'beta2', 'eps'];
const OPTIMIZER_KEYS = Object.keys({
  name: 1,
  lr: 1,
  momentum: 1,
  nesterov: 1,
  weightDecay: 1,
  decayOn: 1,
  beta1: 1,
  beta2: 1,
  eps: 1,
} satisfies Record<keyof OptimizerConfig, 1>);
const SCHEDULE_KEYS: Record<ScheduleConfig['kind'], string[]> = {
  constant: ['kind'],
  step: ['kind', 'every', 'gamma', 'unit'],
  cosine: ['kind', 'minFactor'],
  linear: ['kind', 'endFactor'],
};
const WARMUP_KEYS = Object.keys({ steps: 1, epochs: 1, startFactor: 1 } satisfies Record<keyof WarmupConfig, 1>);
const EVAL_KEYS = Object.keys({ split: 1, batchSize: 1 } satisfies Record<keyof EvalConfig, 1>);
const DATA_KEYS = Object.keys({ normalize: 1, augment: 1 } satisfies Record<keyof DataConfig, 1>);
const AUGMENT_KEYS = ['crop', 'flip'];
const PROBE_KEYS = Object.keys({ enabled: 1, size: 1, batchSize: 1, gradEvery: 1, perUnit: 1, layers: 1 } satisfies Record<keyof ProbeConfig, 1>);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Throws for the first key of `obj` outside `keys`, with a "did you mean" for a close name. */
function onlyKeys(path: string, obj: Record<string, unknown>, keys: readonly string[], what = path || 'the train config'): void {
  for (const key of Object.keys(obj)) {
    if (keys.includes(key) || obj[key] === undefined) continue;
    const reason = `is not an option of ${what}; expected one of: ${keys.join(', ')}${didYouMean(key, keys)}`;
    throw new TrainConfigError(join(path, key), `one of: ${keys.join(', ')}`, obj[key], reason, true);
  }
}

function num(path: string, x: unknown, min: number, max = Infinity, opts: { integer?: boolean; exclusiveMin?: boolean } = {}): number {
  const ok = typeof x === 'number' && Number.isFinite(x) && (opts.exclusiveMin ? x > min : x >= min) && x <= max && (!opts.integer || Number.isInteger(x));
  if (!ok) {
    const range = `${opts.exclusiveMin ? '>' : '>='} ${min}${max < Infinity ? ` and <= ${max}` : ''}`;
    const kind = opts.integer ? 'an integer' : typeof x === 'number' && !Number.isFinite(x) ? 'a finite number' : 'a number';
    throw new TrainConfigError(path, `${kind} ${range}`, x);
  }
  return x;
}

function oneOf<T extends string>(path: string, x: unknown, options: readonly T[]): T {
  if (!options.includes(x as T)) {
    const expected = `one of ${options.map((o) => `'${o}'`).join(', ')}`;
    throw new TrainConfigError(path, expected, x, `must be ${expected}; found ${describeValue(x)}${didYouMean(x, options)}`);
  }
  return x as T;
}

function bool(path: string, x: unknown): void {
  if (x !== undefined && typeof x !== 'boolean') throw new TrainConfigError(path, 'a boolean', x);
}

function object(path: string, x: unknown, expected: string): Record<string, unknown> {
  if (!isObject(x)) throw new TrainConfigError(path, expected, x);
  return x;
}

function resolveOptimizer(o: unknown): ResolvedOptimizerConfig {
  const opt = object('optimizer', o, "an object such as { name: 'adam', lr: 1e-3 }");
  onlyKeys('optimizer', opt, OPTIMIZER_KEYS);
  const name = oneOf('optimizer.name', opt.name, ['sgd', 'adam', 'adamw'] as const);
  const c = opt as unknown as OptimizerConfig;
  const optimizer: ResolvedOptimizerConfig = {
    name,
    lr: num('optimizer.lr', c.lr, 0),
    momentum: num('optimizer.momentum', c.momentum ?? 0, 0, 1),
    nesterov: c.nesterov ?? false,
    weightDecay: num('optimizer.weightDecay', c.weightDecay ?? (name === 'adamw' ? 0.01 : 0), 0),
    decayOn: oneOf('optimizer.decayOn', c.decayOn ?? 'all', ['all', 'kernels'] as const),
    beta1: num('optimizer.beta1', c.beta1 ?? 0.9, 0, 1),
    beta2: num('optimizer.beta2', c.beta2 ?? 0.999, 0, 1),
    eps: num('optimizer.eps', c.eps ?? 1e-8, 0),
  };
  bool('optimizer.nesterov', c.nesterov);
  if (optimizer.nesterov && !(optimizer.momentum > 0)) {
    throw new TrainConfigError('optimizer.momentum', 'a number > 0 when nesterov is true', c.momentum);
  }
  if (name !== 'sgd' && (c.momentum !== undefined || c.nesterov !== undefined)) {
    throw new TrainConfigError('optimizer.momentum', `unset for '${name}' (momentum and nesterov are sgd options)`, c.momentum ?? c.nesterov);
  }
  // An adam option on sgd would be ignored without a word: say so.
  const foreign = Object.keys(opt).find((k) => opt[k] !== undefined && !(name === 'sgd' ? SGD_KEYS : ADAM_KEYS).includes(k));
  if (foreign) throw new TrainConfigError(`optimizer.${foreign}`, `unset for '${name}' (${foreign} is an adam/adamw option)`, opt[foreign]);
  return optimizer;
}

function resolveSchedule(x: unknown): ScheduleConfig {
  const s = object('schedule', x ?? { kind: 'constant' }, "an object such as { kind: 'cosine' }");
  const kind = oneOf('schedule.kind', s.kind, ['constant', 'step', 'cosine', 'linear'] as const);
  onlyKeys('schedule', s, SCHEDULE_KEYS[kind], `schedule kind '${kind}'`);
  if (kind === 'step') {
    num('schedule.every', s.every, 1, Infinity, { integer: true });
    num('schedule.gamma', s.gamma ?? 0.1, 0);
    oneOf('schedule.unit', s.unit ?? 'epoch', ['epoch', 'step'] as const);
  }
  if (kind === 'cosine') num('schedule.minFactor', s.minFactor ?? 0, 0);
  if (kind === 'linear') num('schedule.endFactor', s.endFactor ?? 0, 0);
  return s as unknown as ScheduleConfig;
}

function checkWarmup(x: unknown): void {
  if (x === undefined) return;
  const w = object('warmup', x, 'an object { steps } or { epochs }');
  onlyKeys('warmup', w, WARMUP_KEYS);
  if ((w.steps === undefined) === (w.epochs === undefined)) throw new TrainConfigError('warmup', 'exactly one of steps, epochs', w);
  if (w.steps !== undefined) num('warmup.steps', w.steps, 0, Infinity, { integer: true });
  if (w.epochs !== undefined) num('warmup.epochs', w.epochs, 0);
  num('warmup.startFactor', w.startFactor ?? 0, 0);
}

function checkProbes(x: unknown): void {
  if (x === undefined) return;
  const p = object('probes', x, 'an object');
  onlyKeys('probes', p, PROBE_KEYS);
  bool('probes.enabled', p.enabled);
  bool('probes.perUnit', p.perUnit);
  if (p.size !== undefined) num('probes.size', p.size, 1, Infinity, { integer: true });
  if (p.batchSize !== undefined) num('probes.batchSize', p.batchSize, 1, Infinity, { integer: true });
  if (p.gradEvery !== undefined) num('probes.gradEvery', p.gradEvery, 0, Infinity, { integer: true });
  if (p.layers !== undefined && !(Array.isArray(p.layers) && p.layers.every((l) => typeof l === 'string'))) {
    throw new TrainConfigError('probes.layers', 'a list of layer names', p.layers);
  }
}

function checkData(x: unknown): DataConfig {
  const d = object('data', x ?? {}, 'an object { normalize?, augment? }');
  onlyKeys('data', d, DATA_KEYS);
  bool('data.normalize', d.normalize);
  const a = d.augment;
  if (a !== undefined && typeof a !== 'boolean') {
    const aug = object('data.augment', a, 'a boolean or an object { crop?, flip? }');
    onlyKeys('data.augment', aug, AUGMENT_KEYS);
    if (aug.crop !== undefined) num('data.augment.crop', aug.crop, 0, Infinity, { integer: true });
    bool('data.augment.flip', aug.flip);
  }
  return d;
}

function resolveEval(x: unknown): ResolvedTrainConfig['eval'] {
  const ev = object('eval', x ?? {}, 'an object { split?, batchSize? }');
  onlyKeys('eval', ev, EVAL_KEYS);
  const split = ev.split === undefined ? undefined : oneOf('eval.split', ev.split, ['val', 'test', 'none'] as const);
  const batchSize = num('eval.batchSize', ev.batchSize ?? 1024, 1, Infinity, { integer: true });
  return { split: split as 'val' | 'test' | 'none', batchSize };
}

/**
 * Validates a config and fills in the defaults. Unknown keys are errors at every level (with a "did you
 * mean" for close names); each error names the offending field's path (TrainConfigError.path).
 *
 * @param config the training config as written (a spec's `base`, a YAML or JSON file): epochs and batchSize are
 *   required, everything else has a default
 */
export function resolveTrainConfig(config: TrainConfig): ResolvedTrainConfig {
  const c = object('', config, 'a config object') as unknown as TrainConfig;
  onlyKeys('', c as unknown as Record<string, unknown>, TRAIN_KEYS);
  const seed = c.seed === undefined ? 0 : num('seed', c.seed, -(2 ** 31), 2 ** 32, { integer: true });
  num('epochs', c.epochs, 0, Infinity, { integer: true });
  num('batchSize', c.batchSize, 1, Infinity, { integer: true });
  bool('dropLast', c.dropLast);
  const optimizer = resolveOptimizer(c.optimizer);
  const schedule = resolveSchedule(c.schedule);
  checkWarmup(c.warmup);
  const evalConfig = resolveEval(c.eval);
  checkProbes(c.probes);
  const data = checkData(c.data);
  if (c.tensorboardDir !== undefined && (typeof c.tensorboardDir !== 'string' || !c.tensorboardDir))
    throw new TrainConfigError('tensorboardDir', 'a directory path (a non-empty string)', c.tensorboardDir);
  if (c.resume && !c.checkpointDir) throw new TrainConfigError('checkpointDir', 'a directory when resume is true', c.checkpointDir);
  return {
    ...c,
    seed,
    dropLast: c.dropLast ?? false,
    data,
    optimizer,
    schedule,
    eval: evalConfig,
    keepCheckpoints: num('keepCheckpoints', c.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS, 1, Infinity, { integer: true }),
    progress: oneOf('progress', c.progress ?? 'auto', ['auto', 'bar', 'lines', 'none'] as const),
  };
}

/**
 * Every problem of a config, the first of each part (top level, optimizer, schedule, warmup, eval, probes,
 * data), so a spec with several typos is fixed in one pass. Empty when `resolveTrainConfig` accepts it.
 *
 * @param config the training config as written, of any shape (a non-object is one issue)
 */
export function trainConfigIssues(config: TrainConfig): TrainConfigError[] {
  if (!isObject(config)) return [new TrainConfigError('', 'a config object', config)];
  const c = config as unknown as Record<string, unknown>;
  const parts: (() => unknown)[] = [
    () => onlyKeys('', c, TRAIN_KEYS),
    () => resolveOptimizer(c.optimizer),
    () => resolveSchedule(c.schedule),
    () => checkWarmup(c.warmup),
    () => resolveEval(c.eval),
    () => checkProbes(c.probes),
    () => checkData(c.data),
    () => resolveTrainConfig(config),
  ];
  const issues: TrainConfigError[] = [];
  for (const part of parts) {
    try {
      part();
    } catch (err) {
      if (!(err instanceof TrainConfigError)) throw err;
      const e = err;
      if (!issues.some((i) => i.path === e.path && i.reason === e.reason)) issues.push(e);
    }
  }
  return issues;
}

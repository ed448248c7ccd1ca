import {
  ActivationSpecError,
  BACKENDS,
  describeValue,
  didYouMean,
  optionIssues,
  validateActivation,
  type ActivationSpec,
  type BackendName,
  type OptionIssue,
  type OptionSchema,
} from '@sugar-lab/core';
import { datasetNames, datasetOptionIssues } from '@sugar-lab/datasets';
import { listModels, modelOptions } from '@sugar-lab/models';
import { memoryIssues } from './memory-estimate';
import { trainConfigIssues, type TrainConfig } from '@sugar-lab/train';

/** Fields `fit` reads (validated by @sugar-lab/train itself, so the two never disagree). */
export const TRAIN_FIELDS = ['seed', 'epochs', 'batchSize', 'dropLast', 'optimizer', 'schedule', 'warmup', 'data', 'eval', 'probes'] as const;
type TrainField = (typeof TRAIN_FIELDS)[number];

/** Loss-landscape scalars at the end of a completed run: sharpness, Hessian extremes, convexity ratio. */
export const LANDSCAPE_OPTIONS = {
  enabled: { type: 'boolean', default: true },
  samples: { type: 'number', integer: true, min: 1, description: 'first samples of the test split (default 256)' },
  directions: { type: 'number', integer: true, min: 1, description: 'filter-normalized directions for sharpness (default 8)' },
  radius: { type: 'number', min: 0, exclusiveMin: true, description: "sharpness radius, a fraction of each filter's norm (default 0.5)" },
  powerIterations: { type: 'number', integer: true, min: 1, description: 'Lanczos steps (power iterations with method power)' },
  method: { type: 'string', choices: ['lanczos', 'power'], description: "default 'lanczos'" },
  /** Seeds the directions; one value for the whole sweep cuts every run along the same raw directions. */
  seed: { type: 'number', integer: true, min: 0, default: 0 },
} as const satisfies OptionSchema;

export interface LandscapeConfig {
  enabled: boolean;
  samples?: number;
  directions?: number;
  radius?: number;
  powerIterations?: number;
  method?: 'lanczos' | 'power';
  seed: number;
}

/** A resolved run: dataset, model, activation and the `fit` fields (typed as @sugar-lab/train declares them). */
export interface RunConfig
  extends
    Pick<TrainConfig, 'epochs' | 'batchSize' | 'optimizer'>,
    Partial<Pick<TrainConfig, Exclude<TrainField, 'seed' | 'epochs' | 'batchSize' | 'optimizer'>>> {
  dataset: { name: string; [option: string]: unknown };
  model: { name: string; [option: string]: unknown };
  activation: ActivationSpec;
  seed: number;
  landscape?: LandscapeConfig;
  backend?: BackendName;
  /** The spec's plugins (absolute files), loaded before the run is built: set by the spec, not a grid or base field. */
  plugins?: string[];
}

/** Every top-level field of a run config. */
export const RUN_FIELDS: readonly string[] = ['dataset', 'model', 'activation', ...TRAIN_FIELDS, 'landscape', 'backend'];

/** One problem in a run config; `path` is relative to the config (`['optimizer', 'momentun']`). */
export interface RunIssue {
  path: (string | number)[];
  reason: string;
  /** The last key of `path` is not a field at all (a typo), rather than a bad value. */
  unknownKey?: boolean;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

const fromOption =
  (prefix: string[]) =>
  (i: OptionIssue): RunIssue => ({ path: [...prefix, ...i.path], reason: i.reason, unknownKey: Boolean(i.unknownKey) });

/** `dataset:` / `model:`: `{ name, ...options }`, the options checked against the registry entry's schema. */
function namedIssues(
  field: 'dataset' | 'model',
  value: unknown,
  known: string[],
  options: (name: string, opts: Record<string, unknown>) => OptionIssue[],
): RunIssue[] {
  if (!isObject(value)) return [{ path: [field], reason: `must be an object { name, ...options }; found ${describeValue(value, 'object')}` }];
  const { name, ...opts } = value;
  if (typeof name !== 'string' || !known.includes(name)) {
    const found = typeof name === 'string' ? `'${name}'` : describeValue(name);
    return [{ path: [field, 'name'], reason: `unknown ${field} ${found}; expected one of: ${known.join(', ')}${didYouMean(name, known)}` }];
  }
  return options(name, opts).map(fromOption([field]));
}

function activationIssues(value: unknown): RunIssue[] {
  if (value === undefined)
    return [{ path: ['activation'], reason: 'is required: an activation spec such as { kind: relu } or { kind: sugar, surrogate: { name: bsilu } }' }];
  try {
    validateActivation(value as ActivationSpec, '');
    return [];
  } catch (err) {
    if (!(err instanceof ActivationSpecError)) throw err;
    return [{ path: ['activation', ...err.path], reason: err.reason, unknownKey: err.unknownKey }];
  }
}

function trainIssues(cfg: Record<string, unknown>): RunIssue[] {
  if (cfg.seed === undefined) return [{ path: ['seed'], reason: 'is required: an integer >= 0 (the seed of weights and data order)' }];
  if (!Number.isInteger(cfg.seed) || (cfg.seed as number) < 0) {
    return [{ path: ['seed'], reason: `must be an integer >= 0; found ${describeValue(cfg.seed, 'number')}` }];
  }
  return trainConfigIssues(trainConfigOf(cfg as unknown as RunConfig)).map((err) => ({
    path: err.path.split('.').filter(Boolean),
    reason: err.reason,
    unknownKey: err.unknownKey,
  }));
}

function backendIssues(value: unknown): RunIssue[] {
  if (value === undefined || BACKENDS.includes(value as BackendName)) return [];
  return [{ path: ['backend'], reason: `must be one of ${BACKENDS.join(', ')}; found ${describeValue(value)}${didYouMean(value, BACKENDS)}` }];
}

/**
 * Every problem of one resolved run config, each with its path: unknown fields (with a "did you mean"),
 * dataset and model options against their registry entry's schema, the activation (core), the `fit`
 * fields (train), the landscape probe and the backend. Nothing is built or loaded.
 */
export function runConfigIssues(cfg: unknown): RunIssue[] {
  if (!isObject(cfg)) return [{ path: [], reason: `must be an object (a run config); found ${describeValue(cfg, 'object')}` }];
  const issues: RunIssue[] = [];
  for (const key of Object.keys(cfg)) {
    if (!RUN_FIELDS.includes(key)) {
      issues.push({
        path: [key],
        reason: `is not a run config field; expected one of: ${RUN_FIELDS.join(', ')}${didYouMean(key, RUN_FIELDS)}`,
        unknownKey: true,
      });
    }
  }
  issues.push(...namedIssues('dataset', cfg.dataset, datasetNames(), datasetOptionIssues));
  issues.push(...namedIssues('model', cfg.model, listModels(), (name, opts) => (modelOptions(name) ? optionIssues(modelOptions(name)!, opts) : [])));
  issues.push(...activationIssues(cfg.activation));
  issues.push(...trainIssues(cfg));
  if (cfg.landscape !== undefined) issues.push(...optionIssues(LANDSCAPE_OPTIONS, cfg.landscape).map(fromOption(['landscape'])));
  issues.push(...backendIssues(cfg.backend));
  // Sizes only once the options themselves are valid: an estimate from a bad value would only repeat its issue.
  if (!issues.length) issues.push(...memoryIssues(cfg));
  return issues;
}

/** The part of a run config that `fit` takes. */
export function trainConfigOf(cfg: RunConfig): TrainConfig {
  return Object.fromEntries(TRAIN_FIELDS.filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]])) as unknown as TrainConfig;
}

/**
 * The config a run's id is the hash of: the resolved config with the landscape probe's defaults filled in
 * (exactly what the spec schema always produced, so ids of existing results stay the same).
 */
export function normalizeRunConfig(cfg: Record<string, unknown>): RunConfig {
  const out = { ...cfg };
  if (isObject(cfg.landscape)) out.landscape = { enabled: true, seed: 0, ...cfg.landscape };
  return out as unknown as RunConfig;
}

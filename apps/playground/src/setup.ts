// The playground's whole setup as URL query parameters, so a page's address reproduces its run: what it trains
// (dataset, model, optimizer, up to four activations), how far, and on which backend. One parser, one writer.
import { canonicalActivation, parseActivation, type ActivationSpec } from '@sugar-lab/core';

export const OPTIMIZERS = ['adam', 'sgd', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** The synthetic datasets a page can generate (datasets' browser entry lists these). */
export const DATASETS = ['spirals', 'moons', 'blobs', 'xor', 'checkerboard'] as const;
export const MAX_ACTIVATIONS = 4;

export interface PlaygroundSetup {
  dataset: string;
  /** Training samples (the test split has half as many). */
  n: number;
  depth: number;
  width: number;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  /** Seeds the data, the initial weights (shared by every activation) and the shuffling. */
  seed: number;
  /** Training stops after this many steps (0: never). */
  steps: number;
  /** Canonical activation strings (core's canonicalActivation), 1 to 4. */
  activations: string[];
  backend: BackendChoice;
  /** Start paused. */
  paused: boolean;
}

export const DEFAULT_SETUP: PlaygroundSetup = {
  dataset: 'spirals',
  n: 512,
  depth: 8,
  width: 24,
  optimizer: 'adam',
  lr: 0.01,
  batch: 32,
  seed: 1,
  steps: 2000,
  activations: ['relu', 'sugar(bsilu,alpha=1.67)'],
  backend: 'auto',
  paused: false,
};

/** A setup the URL or the form got wrong: every problem, each naming the parameter, what it expects and what it found. */
export class PlaygroundSetupError extends Error {
  constructor(readonly issues: string[]) {
    super(`the playground's setup has ${issues.length === 1 ? 'a problem' : `${issues.length} problems`}: ${issues.join('; ')}`);
    this.name = 'PlaygroundSetupError';
  }
}

const INTS: Record<'n' | 'depth' | 'width' | 'batch' | 'seed' | 'steps', [number, number]> = {
  n: [16, 20000],
  depth: [1, 24],
  width: [1, 256],
  batch: [1, 4096],
  seed: [0, 2 ** 31 - 1],
  steps: [0, 1_000_000],
};

function oneOf<T extends string>(key: string, raw: string, allowed: readonly T[], issues: string[]): T | undefined {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  issues.push(`${key}: expected one of ${allowed.join(', ')}; found '${raw}'`);
  return undefined;
}

/** An activation string in canonical form, or an issue naming which of the `act` parameters is wrong. */
function activation(raw: string, i: number, issues: string[]): string | undefined {
  try {
    return canonicalActivation(parseActivation(raw));
  } catch (err) {
    issues.push(`act #${i + 1}: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * The setup a query string describes: each parameter present replaces its default. Throws a PlaygroundSetupError
 * listing every bad or unknown parameter.
 *
 * @param query the page's `location.search` (with or without the `?`)
 */
export function parseSetup(query: string): PlaygroundSetup {
  const params = new URLSearchParams(query);
  const setup: PlaygroundSetup = { ...DEFAULT_SETUP, activations: [...DEFAULT_SETUP.activations] };
  const issues: string[] = [];
  for (const key of new Set(params.keys())) {
    const raw = params.get(key)!;
    if (key in INTS) {
      const [lo, hi] = INTS[key as keyof typeof INTS];
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(v) || v < lo || v > hi) issues.push(`${key}: expected an integer from ${lo} to ${hi}; found '${raw}'`);
      else setup[key as keyof typeof INTS] = v;
    } else if (key === 'lr') {
      const v = Number(raw);
      if (raw.trim() === '' || !(v > 0 && v <= 10)) issues.push(`lr: expected a number in (0, 10]; found '${raw}'`);
      else setup.lr = v;
    } else if (key === 'dataset') setup.dataset = oneOf(key, raw, DATASETS, issues) ?? setup.dataset;
    else if (key === 'opt') setup.optimizer = oneOf(key, raw, OPTIMIZERS, issues) ?? setup.optimizer;
    else if (key === 'backend') setup.backend = oneOf(key, raw, BACKEND_CHOICES, issues) ?? setup.backend;
    else if (key === 'paused') setup.paused = oneOf(key, raw, ['0', '1'], issues) === '1';
    else if (key === 'act') {
      const all = params.getAll('act');
      if (all.length > MAX_ACTIVATIONS) issues.push(`act: expected 1 to ${MAX_ACTIVATIONS} activations; found ${all.length}`);
      const parsed = all.slice(0, MAX_ACTIVATIONS).map((a, i) => activation(a, i, issues));
      if (parsed.every((a) => a !== undefined)) setup.activations = parsed;
    } else issues.push(`unknown parameter '${key}': expected dataset, n, depth, width, opt, lr, batch, seed, steps, act, backend or paused`);
  }
  if (issues.length) throw new PlaygroundSetupError(issues);
  return setup;
}

/**
 * The query string (without `?`) that `parseSetup` reads back as `setup`: every field, activations last.
 *
 * @param setup the setup to write
 */
export function encodeSetup(setup: PlaygroundSetup): string {
  const params = new URLSearchParams({
    dataset: setup.dataset,
    n: String(setup.n),
    depth: String(setup.depth),
    width: String(setup.width),
    opt: setup.optimizer,
    lr: String(setup.lr),
    batch: String(setup.batch),
    seed: String(setup.seed),
    steps: String(setup.steps),
    backend: setup.backend,
  });
  if (setup.paused) params.set('paused', '1');
  for (const a of setup.activations) params.append('act', a);
  return params.toString();
}

/**
 * The spec of one of the setup's activation strings.
 *
 * @param text a canonical activation string
 */
export function activationSpec(text: string): ActivationSpec {
  return parseActivation(text);
}

import { validateActivation, type ActivationSpec } from '@sugar-lab/core';
import { ModelConfigError } from './errors';

/** Options every model takes. Models output logits (no softmax). */
export interface CommonModelOptions {
  /** Used at every activation position (one layer per position). */
  activation: ActivationSpec;
  /** Per-example shape, channels last: `[784]`, `[28, 28, 1]`, `[32, 32, 3]`. */
  inputShape: number[];
  numClasses: number;
  /** Same seed, same weights, bit for bit; each layer gets its own seed derived from this one. */
  seed: number;
  /** Model name; defaults to the registry name. */
  name?: string;
}

/** The keys of `CommonModelOptions`: every model takes them, next to the options its registry entry declares. */
export const COMMON_MODEL_OPTIONS: readonly (keyof CommonModelOptions)[] = ['activation', 'inputShape', 'numClasses', 'seed', 'name'];

// Small checks shared by the builders, so each error names the model and the option path.
export function checkCommon(model: string, o: CommonModelOptions, rank?: number): void {
  if (o === null || typeof o !== 'object') throw new ModelConfigError(model, '', 'an options object', o);
  // Core's check names the exact spec path (activation.surrogate.alpha) and throws ActivationSpecError.
  validateActivation(o.activation, 'activation');
  const shape = o.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ModelConfigError(model, 'inputShape', 'a non-empty array of positive integers', shape);
  }
  if (rank !== undefined && shape.length !== rank) {
    throw new ModelConfigError(model, 'inputShape', `rank ${rank} ([height, width, channels])`, shape);
  }
  checkInt(model, 'numClasses', o.numClasses, 1);
  if (!Number.isInteger(o.seed)) throw new ModelConfigError(model, 'seed', 'an integer', o.seed);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) {
    throw new ModelConfigError(model, 'name', 'a non-empty string', o.name);
  }
}

export function checkInt(model: string, path: string, x: unknown, min: number): void {
  if (!Number.isInteger(x) || (x as number) < min) throw new ModelConfigError(model, path, `an integer >= ${min}`, x);
}

export function checkRate(model: string, path: string, x: unknown): void {
  if (x === undefined) return;
  if (typeof x !== 'number' || !(x >= 0 && x < 1)) throw new ModelConfigError(model, path, 'a number in [0, 1)', x);
}

export function checkPositive(model: string, path: string, x: unknown): void {
  if (x === undefined) return;
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw new ModelConfigError(model, path, 'a positive number', x);
}

export function checkBool(model: string, path: string, x: unknown): void {
  if (x !== undefined && typeof x !== 'boolean') throw new ModelConfigError(model, path, 'a boolean', x);
}

import { describeValue, didYouMean } from '@sugar-lab/core';

/**
 * A model option is missing, unknown, of the wrong type, or out of range. `path` is the option's path inside
 * the model's options (`width`); `reason` is the message without the model and path, for callers that re-root it.
 */
export class ModelConfigError extends Error {
  readonly reason: string;
  constructor(
    readonly model: string,
    readonly path: string,
    readonly expected: string,
    readonly found: unknown,
    reason?: string,
  ) {
    const why = reason ?? `must be ${expected}; found ${describeValue(found, typeOf(expected))}`;
    super(reason ? `${model}: ${reason}` : `${model}: option '${path}' ${why}`);
    this.reason = why;
    this.name = 'ModelConfigError';
  }
}

/** `buildModel`/`getModelInfo` was asked for a name that is not registered. */
export class UnknownModelError extends Error {
  constructor(
    readonly requested: string,
    readonly known: string[],
  ) {
    super(`unknown model '${requested}'; expected one of: ${known.join(', ')}${didYouMean(requested, known)}`);
    this.name = 'UnknownModelError';
  }
}

/** `registerModel` was given a name that is already taken (pass `{ override: true }` to replace it). */
export class DuplicateModelError extends Error {
  constructor(readonly modelName: string) {
    super(`model '${modelName}' is already registered; pass { override: true } to replace it`);
    this.name = 'DuplicateModelError';
  }
}

// Says "the string '3'" where a number or boolean was expected, so a quoted YAML value is recognizable.
function typeOf(expected: string): 'number' | 'boolean' | undefined {
  if (/^(an integer|a (finite |positive )?number)/.test(expected)) return 'number';
  return /^a boolean/.test(expected) ? 'boolean' : undefined;
}

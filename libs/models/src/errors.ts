import { describeValue, didYouMean } from '@sugar-lab/core';

/** Base class of every error @sugar-lab/models throws on purpose: `catch (e) { if (e instanceof ModelError) ... }`; `name` is the class's name. */
export class ModelError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A model option is missing, unknown, of the wrong type, or out of range. `path` is the option's path inside
 * the model's options (`width`); `reason` is the message without the model and path, for callers that re-root it.
 */
export class ModelConfigError extends ModelError {
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
  }
}

/** `buildModel`/`getModelInfo` was asked for a name that is not registered. */
export class UnknownModelError extends ModelError {
  constructor(
    readonly requested: string,
    readonly known: string[],
  ) {
    super(`unknown model '${requested}'; expected one of: ${known.join(', ')}${didYouMean(requested, known)}`);
  }
}

/** `registerModel` was given a name that is already taken (pass `{ override: true }` to replace it). */
export class DuplicateModelError extends ModelError {
  constructor(readonly modelName: string) {
    super(`model '${modelName}' is already registered; pass { override: true } to replace it`);
  }
}

// Says "the string '3'" where a number or boolean was expected, so a quoted YAML value is recognizable.
function typeOf(expected: string): 'number' | 'boolean' | undefined {
  if (/^(an integer|a (finite |positive )?number)/.test(expected)) return 'number';
  return /^a boolean/.test(expected) ? 'boolean' : undefined;
}

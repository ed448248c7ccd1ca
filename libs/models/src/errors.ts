import { describeValue, didYouMean } from '@sugar-lab/core';

/** Base class of every error @sugar-lab/models throws on purpose: `catch (e) { if (e instanceof ModelError) ... }`; `name` is the class's name. */
export class ModelError extends Error {
  /**
   * Makes the error; `name` becomes the concrete subclass's name.
   *
   * @param message the full human-readable message: what was expected, what was found and where
   * @param options standard `Error` options; `cause` keeps the underlying error (a failed layer build, a failed read)
   */
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
  /**
   * Makes the error; the message reads `<model>: option '<path>' must be <expected>; found <found>`, or
   * `<model>: <reason>` when a reason is given.
   *
   * @param model registry name of the model whose options were checked (`'vit-tiny'`)
   * @param path the option's path inside the model's options (`'width'`, `'stages[1].depth'`)
   * @param expected what the option accepts, in words (`'a positive integer'`)
   * @param found the value that was given, of any type (shown with its type where that matters)
   * @param reason A message that replaces the `must be ... found ...` sentence, for rules across options; omitted
   *   to use that sentence
   */
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
  /**
   * Makes the error.
   *
   * @param requested the name that was asked for
   * @param known every registered model name, listed in the message with the closest one
   */
  constructor(
    readonly requested: string,
    readonly known: string[],
  ) {
    super(`unknown model '${requested}'; expected one of: ${known.join(', ')}${didYouMean(requested, known)}`);
  }
}

/** `registerModel` was given a name that is already taken (pass `{ override: true }` to replace it). */
export class DuplicateModelError extends ModelError {
  /**
   * Makes the error.
   *
   * @param modelName the name that is already registered
   */
  constructor(readonly modelName: string) {
    super(`model '${modelName}' is already registered; pass { override: true } to replace it`);
  }
}

// Says "the string '3'" where a number or boolean was expected, so a quoted YAML value is recognizable.
function typeOf(expected: string): 'number' | 'boolean' | undefined {
  if (/^(an integer|a (finite |positive )?number)/.test(expected)) return 'number';
  return /^a boolean/.test(expected) ? 'boolean' : undefined;
}

/** A model option is missing, of the wrong type, or out of range. `path` is the option's spec path. */
export class ModelConfigError extends Error {
  constructor(
    readonly model: string,
    readonly path: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`${model}: option '${path}' must be ${expected}; found ${describe(found)}`);
    this.name = 'ModelConfigError';
  }
}

/** `buildModel`/`getModelInfo` was asked for a name that is not registered. */
export class UnknownModelError extends Error {
  constructor(
    readonly requested: string,
    readonly known: string[],
  ) {
    super(`unknown model '${requested}'; expected one of: ${known.join(', ')}`);
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

function describe(x: unknown): string {
  if (x === undefined) return 'undefined';
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

/** Base class of every error sugar-lab/core throws on purpose (bad names, params, specs, models). */
export class SugarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An unknown surrogate name, or a parameter that is missing, unknown or out of range. */
export class SurrogateError extends SugarError {}

/** An ActivationSpec (object or canonical string) that does not validate or parse. */
export class ActivationSpecError extends SugarError {}

/** A model that `sugarize` / `desugarize` cannot rewrite. */
export class SurgeryError extends SugarError {}

/** Model files that `fileHandler` cannot read or write. */
export class ModelFileError extends SugarError {}

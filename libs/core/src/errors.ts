/** Base class of every error sugar-lab/core throws on purpose (bad names, params, specs, models). */
export class SugarError extends Error {
  /**
   * Makes the error; its `name` is the concrete subclass's name, so logs and `instanceof`-free checks can tell them apart.
   *
   * @param message the full human-readable message: what was expected, what was found and where
   */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An unknown surrogate name, or a parameter that is missing, unknown or out of range (`param` names it). */
export class SurrogateError extends SugarError {
  /**
   * Makes the error.
   *
   * @param message the full message: the surrogate, the parameter and the accepted range or names
   * @param param the surrogate parameter at fault (`'alpha'`); undefined when the surrogate name itself is unknown
   * @param unknownParam true when `param` is not a parameter of the surrogate at all; false (the default) when its value is bad
   */
  constructor(
    message: string,
    readonly param?: string,
    /** `param` is not a parameter of the surrogate at all (rather than a bad value). */
    readonly unknownParam = false,
  ) {
    super(message);
  }
}

/**
 * An ActivationSpec (object or canonical string) that does not validate or parse. `path` is the offending
 * key's place inside the spec (`['surrogate', 'alpha']`; empty for the spec itself or a string that does not
 * parse) and `reason` the message without the path, so a caller can re-root it (`grid.activation[2].surrogate.alpha`).
 */
export class ActivationSpecError extends SugarError {
  readonly path: readonly string[];
  readonly reason: string;
  /** The last key of `path` is not a key the spec may have (a typo), rather than a bad value. */
  readonly unknownKey: boolean;
  /**
   * Makes the error.
   *
   * @param message the full message, the path included
   * @param where the offending key's `path` inside the spec, the `reason` without the path, and whether the last key is
   *   unknown (`unknownKey`, default false). Omitted: the path is empty and the reason is `message`
   */
  constructor(message: string, where?: { path: readonly string[]; reason: string; unknownKey?: boolean }) {
    super(message);
    this.path = where?.path ?? [];
    this.reason = where?.reason ?? message;
    this.unknownKey = where?.unknownKey ?? false;
  }
}

/** A model that `sugarize` / `desugarize` cannot rewrite. */
export class SurgeryError extends SugarError {}

/** Model files that `fileHandler` cannot read or write. */
export class ModelFileError extends SugarError {}

/** A file that could not be written whole (a full disk, a read-only directory): names the file and what was kept. */
export class FileWriteError extends SugarError {
  /**
   * Makes the error.
   *
   * @param file path of the file that could not be written
   * @param code the Node.js error code of the failed write (`'ENOSPC'`, `'EACCES'`), or undefined when there was none
   * @param message the full message: the file, the cause and what was kept (the previous version, or nothing)
   */
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** A bad backend name, or no backend that can be initialized (the message says why for each). */
export class BackendError extends SugarError {}

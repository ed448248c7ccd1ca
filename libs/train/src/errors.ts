import { describeValue } from '@sugar-lab/core';

/** Base class of every error @sugar-lab/train throws on purpose: `catch (e) { if (e instanceof TrainError) ... }`; `name` is the class's name. */
export class TrainError extends Error {
  /**
   * Makes the error; `name` becomes the concrete subclass's name.
   *
   * @param message the full human-readable message: what was expected, what was found and where
   * @param options standard `Error` options; `cause` keeps the underlying error (a failed read, a backend error)
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A training config field is missing, unknown, of the wrong type or out of range. `path` is its dotted path
 * (`optimizer.momentum`); `reason` is the message without the path, for callers that re-root it in a spec.
 */
export class TrainConfigError extends TrainError {
  readonly reason: string;
  /**
   * Makes the error; the message reads `train config: '<path>' must be <expected>; found <found>`, or
   * `train config: '<path>' <reason>` when a reason is given.
   *
   * @param path dotted path of the field inside the training config (`'optimizer.momentum'`)
   * @param expected what the field accepts, in words (`'a number in [0, 1)'`)
   * @param found the value that was given, of any type (NaN and Infinity shown as themselves)
   * @param reason A message that replaces the `must be ... found ...` sentence, for rules across fields; omitted to
   *   use that sentence
   * @param unknownKey true when the last key of `path` is not an option at all (a typo); default false (a bad value)
   */
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: unknown,
    reason?: string,
    /** The last key of `path` is not an option at all (a typo), rather than a bad value. */
    readonly unknownKey = false,
  ) {
    const why = reason ?? `must be ${expected}; found ${show(found, expected)}`;
    super(`train config: '${path}' ${why}`);
    this.reason = why;
  }
}

/** A checkpoint that cannot be read, or does not belong to this run (other config, other model). */
export class CheckpointError extends TrainError {}

/**
 * A checkpoint whose files fail verification: a file missing or truncated, a checksum that does not
 * match, a manifest that is not valid JSON. It is never resumed from; `file` is the file at fault.
 */
export class CheckpointCorruptError extends CheckpointError {
  /**
   * Makes the error; the message reads `<file>: <reason>`.
   *
   * @param file path of the checkpoint file at fault (a weights file, the manifest)
   * @param reason what verification found: missing, truncated, checksum mismatch, invalid JSON
   */
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Training data that does not fit the model or the loss (shapes, label range, empty splits). */
export class TrainDataError extends TrainError {}

// NaN and Infinity as themselves (JSON shows them as null); a string where a number or boolean belongs as a string.
function show(x: unknown, expected: string): string {
  const type = /^(an integer|a (finite )?number)/.test(expected) ? 'number' : /^a boolean/.test(expected) ? 'boolean' : undefined;
  return describeValue(x, type);
}

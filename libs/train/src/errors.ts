import { describeValue } from '@sugar-lab/core';

/** Base class of every error @sugar-lab/train throws on purpose: `catch (e) { if (e instanceof TrainError) ... }`; `name` is the class's name. */
export class TrainError extends Error {
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

/** A training config field is missing, of the wrong type or out of range; `path` is its spec path. */
export class TrainConfigError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`train config: '${path}' must be ${expected}; found ${show(found)}`);
    this.name = 'TrainConfigError';
  }
}

/** A checkpoint that cannot be read, or does not belong to this run (other config, other model). */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/**
 * A checkpoint whose files fail verification: a file missing or truncated, a checksum that does not
 * match, a manifest that is not valid JSON. It is never resumed from; `file` is the file at fault.
 */
export class CheckpointCorruptError extends CheckpointError {
  override name = 'CheckpointCorruptError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** Training data that does not fit the model or the loss (shapes, label range, empty splits). */
export class TrainDataError extends Error {
  override name = 'TrainDataError';
}

function show(x: unknown): string {
  if (x === undefined) return 'undefined';
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}

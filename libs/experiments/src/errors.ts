/** One problem of a spec: `parts` is its place as keys and indices, `path` the same as people write it. */
export interface SpecIssue {
  /** `grid.activation[2].surrogate.alpha` ('' for the file or document itself). */
  path: string;
  parts: (string | number)[];
  message: string;
}

/** Base class of every error @sugar-lab/experiments throws on purpose: `catch (e) { if (e instanceof ExperimentsError) ... }`; `name` is the class's name. */
export class ExperimentsError extends Error {
  /**
   * Makes the error; `name` becomes the concrete subclass's name.
   *
   * @param message the full human-readable message: what was expected, what was found and where
   * @param options standard `Error` options; `cause` keeps the underlying error (a failed read, a rejected promise)
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An `--only` filter that selects no run of the sweep: the message lists what each axis holds. */
export class OnlyError extends ExperimentsError {}

/** A spec that cannot run: each issue names the exact place (e.g. `grid.activation[2].surrogate.alpha`). */
export class SpecError extends ExperimentsError {
  /**
   * Makes the error; the message lists every issue, one line each, under `invalid spec <source>`.
   *
   * @param source where the spec came from: its file path, or the name of what supplied the bad value (`'SUGAR_MAX_RUNS'`)
   * @param issues every problem found, each with its place in the spec and its message; at least one
   */
  constructor(
    readonly source: string,
    readonly issues: SpecIssue[],
  ) {
    super(`invalid spec ${source}:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

/**
 * A plugin that cannot be found or loaded: `plugin` as named, `where` it was named (`plugins[0] of spec
 * /x/spec.yaml`, `--require`, a run's config.json), and `reason`, what failed.
 */
export class PluginError extends ExperimentsError {
  /**
   * Makes the error; the message reads `plugin '<plugin>' (<where>): <reason>`.
   *
   * @param plugin the module specifier or path as it was named
   * @param where where it was named (`plugins[0] of spec /x/spec.yaml`, `--require`, a run's config.json)
   * @param reason what failed: not found, threw while loading, or exported no register function
   */
  constructor(
    readonly plugin: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`plugin '${plugin}' (${where}): ${reason}`);
  }
}

/** A results directory holds the sweep of another spec (see claimSpec: a new --out, or --extend). */
export class SpecConflictError extends ExperimentsError {
  /**
   * Makes the error.
   *
   * @param message the full message: the directory, both specs' names, and the way out (a new `--out`, or `--extend`)
   */
  constructor(message: string) {
    super(message);
  }
}

/** Another runner holds the results directory (or another process trains the run). */
export class LockError extends ExperimentsError {
  /**
   * Makes the error.
   *
   * @param message the full message: the locked directory or run, and who holds it (pid, host, heartbeat age)
   * @param options standard `Error` options; `cause` keeps the lock's own error
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** A run id that is not one of the directory's (ids are 12 hex digits; anything else could name a path outside it). */
export class RunIdError extends ExperimentsError {
  /**
   * Makes the error; the message reads `<where>: expected <expected>; found <found>`.
   *
   * @param where where the id came from (a command-line argument, a file in the results directory)
   * @param expected what a valid id looks like, in words (`'a run id of 12 hex digits'`)
   * @param found the text that was given
   */
  constructor(
    readonly where: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${where}: expected ${expected}; found ${found}`);
  }
}

/** A `--emit slurm` option (cpus, time, partition...) that sbatch would reject or misread. */
export class SlurmOptionError extends ExperimentsError {
  /**
   * Makes the error; the message reads `<option>: expected <expected>; found <found as JSON>`.
   *
   * @param option the Slurm option at fault (`'time'`, `'cpus'`, `'partition'`)
   * @param expected what sbatch accepts there, in words
   * @param found the value that was given, of any type
   */
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`${option}: expected ${expected}; found ${JSON.stringify(found)}`);
  }
}

/** A results directory the report cannot summarize honestly, or not at all. */
export class ReportError extends ExperimentsError {
  /**
   * Makes the error.
   *
   * @param message the full message: the results directory and what keeps the report from summarizing it
   */
  constructor(message: string) {
    super(message);
  }
}

/** Runs under one variant label whose configs differ beyond the seed: per field, which runs hold which value. */
export interface MixedConfig {
  variant: string;
  fields: { field: string; values: { value: string; runs: string[] }[] }[];
}

/** The report will not average runs of different configs under one label (a sweep resumed after its spec changed). */
export class MixedConfigError extends ReportError {
  /**
   * Makes the error; the message lists, per variant and field, which runs hold which value, and how to split them.
   *
   * @param dir the results directory being reported
   * @param conflicts one entry per variant label whose runs differ beyond the seed
   */
  constructor(
    readonly dir: string,
    readonly conflicts: MixedConfig[],
  ) {
    const lines = conflicts.flatMap((c) => [
      `  variant '${c.variant}':`,
      ...c.fields.map((f) => `    ${f.field}: ${f.values.map((v) => `${v.value} in ${v.runs.join(', ')}`).join('; ')}`),
    ]);
    super(
      `report ${dir}: runs under one variant label differ in more than their seed, so their numbers would be pooled:\n${lines.join('\n')}\n` +
        `The directory holds runs of more than one spec (was the sweep resumed after its spec changed?). ` +
        `Run each spec into its own directory (sugar run SPEC --out NEW_DIR) and report that.`,
    );
  }
}

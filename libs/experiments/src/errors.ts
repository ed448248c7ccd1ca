/** A spec that cannot run: `path` names the exact place (e.g. `grid.activation[2].surrogate.alpha`). */
export class SpecError extends Error {
  constructor(
    readonly source: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`invalid spec ${source}:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'SpecError';
  }
}

/** Another runner holds the results directory (or another process trains the run). */
export class LockError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LockError';
  }
}

/** A run id that is not one of the directory's (ids are 12 hex digits; anything else could name a path outside it). */
export class RunIdError extends Error {
  constructor(
    readonly where: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${where}: expected ${expected}; found ${found}`);
    this.name = 'RunIdError';
  }
}

/** A `--emit slurm` option (cpus, time, partition...) that sbatch would reject or misread. */
export class SlurmOptionError extends Error {
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly found: unknown,
  ) {
    super(`${option}: expected ${expected}; found ${JSON.stringify(found)}`);
    this.name = 'SlurmOptionError';
  }
}

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

/** Another runner holds the results directory. */
export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

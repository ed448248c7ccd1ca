// fit-resume.ts in a page (package.json's "browser" field): a browser has no files to checkpoint to or to log to,
// so fit refuses every path before anything trains, naming the field; the epochs come back in the result and
// through callbacks.onEpochEnd instead.
import { TrainConfigError } from './errors';
import type { FitRun } from './fit-run';

const PATHS = ['checkpointDir', 'logPath', 'tensorboardDir'] as const;

export function resumeRun(run: FitRun): void {
  for (const field of PATHS) {
    if (run.cfg[field] === undefined) continue;
    throw new TrainConfigError(
      field,
      'absent in a browser',
      run.cfg[field],
      `is a path on disk, which fit only writes in Node (found ${JSON.stringify(run.cfg[field])}); in a browser leave it out and read each epoch from callbacks.onEpochEnd or the result's epochs`,
    );
  }
}

export function checkpointRun(): number {
  return 0;
}

import { acquireLock as takeLock, LockHeldError, type HeldLock } from '@sugar-lab/core';
import { LockError } from './errors';
import type { ResultsStore } from './store';

/**
 * The locks of a results directory, all core's (one format, atomic takeover, heartbeat): `DIR/.lock` for a
 * sweep runner, `DIR/runs/<id>/.lock` for whoever trains that run (a sweep's lane or `run-one`), so no two
 * processes ever train one run.
 */

/** Takes an exclusive lock or throws LockError naming its holder. Returns the release function. */
export function acquireLock(file: string, what: string): () => void {
  const held = lockOrThrow(file, what);
  return () => held.release();
}

/** The lock of one run: taken by the sweep for each run it trains, and by `run-one`. */
export function lockRun(store: ResultsStore, id: string): HeldLock {
  return lockOrThrow(runLockFile(store, id), `run ${id}`);
}

export function runLockFile(store: ResultsStore, id: string): string {
  return store.files(id).lock;
}

function lockOrThrow(file: string, what: string): HeldLock {
  try {
    return takeLock(file, { what });
  } catch (err) {
    if (err instanceof LockHeldError) throw new LockError(err.message, { cause: err });
    throw err;
  }
}

import * as path from 'node:path';
import { FileWriteError } from '@sugar-lab/core';
import { ResultsStore } from '@sugar-lab/experiments';
import { latestCheckpoint } from '@sugar-lab/train';

/** How a run records an error in summary.json's `error`: `${name}: ${message}` (its stack is in `stack`). */
const RECORDED = 'FileWriteError: ';

/** A write that failed: what core's FileWriteError says (the file, the errno, what that file kept), and the errno. */
export interface WriteFailure {
  cause: string;
  code?: string;
}

/** The failed write in `x`, a FileWriteError or a run's recorded error; undefined for anything else. */
export function writeFailureOf(x: unknown): WriteFailure | undefined {
  if (x instanceof FileWriteError) return { cause: x.message, code: x.code };
  if (typeof x !== 'string' || !x.startsWith(RECORDED)) return undefined;
  const cause = x.slice(RECORDED.length);
  return { cause, code: /^could not write .*?: (E[A-Z]+) \(/.exec(cause)?.[1] };
}

/** The run a file of results directory `store` belongs to (DIR/runs/<id>/...), if any. */
function runOf(store: ResultsStore, failure: WriteFailure): string | undefined {
  const file = /^could not write (.*?): E[A-Z]+ \(/.exec(failure.cause)?.[1];
  if (!file) return undefined;
  const [id] = path.relative(store.runsDir, path.resolve(file)).split(path.sep);
  return store.listRunIds().includes(id) ? id : undefined;
}

/**
 * What results directory `dir` kept when a write into it failed: the latest checkpoint of the run it was for (`runId`,
 * else the run the file belongs to) and how many runs are finished. Every write is whole or absent, so all of it is
 * as it was before the failed one.
 */
function keptIn(dir: string, failure: WriteFailure, runId?: string): string {
  const store = new ResultsStore(dir);
  const id = runId ?? runOf(store, failure);
  const ids = store.listRunIds();
  const parts: string[] = [];
  if (id) {
    const epoch = /\d+$/.exec(latestCheckpoint(store.checkpointDir(id)) ?? '')?.[0];
    parts.push(epoch ? `runs/${id}: checkpoint of epoch ${Number(epoch)} kept` : `runs/${id}: no checkpoint yet (it starts over)`);
  }
  if (ids.length) parts.push(`${ids.filter((i) => store.isFinished(i)).length} of ${ids.length} runs finished and kept`);
  return parts.length ? parts.join('; ') : 'nothing else changed';
}

/**
 * The message that ends a command whose write into results directory `dir` failed (a full disk, a read-only mount):
 * the file, the errno, what was kept, and `rerun`, the command that continues once the cause is gone.
 */
export function writeFailureMessage(failure: WriteFailure, dir: string, rerun: string, runId?: string): string {
  const when = failure.code === 'ENOSPC' || failure.code === 'EDQUOT' ? 'once there is space' : `once ${dir} can be written`;
  return `${failure.cause}. ${dir}: ${keptIn(dir, failure, runId)}; ${rerun} ${when}`;
}

/** For a promise's catch: a failed write becomes writeFailureMessage's error; anything else is thrown as it is. */
export function rethrowWriteFailure(dir: string, rerun: string, runId?: string): (err: unknown) => never {
  return (err) => {
    const failure = writeFailureOf(err);
    throw failure ? new Error(writeFailureMessage(failure, dir, rerun, runId)) : err;
  };
}

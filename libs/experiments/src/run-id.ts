import { RunIdError } from './errors';

/** What `runId` (canonical-json.ts) makes: the first 12 hex digits of a SHA-256. */
export const RUN_ID_PATTERN = /^[0-9a-f]{12}$/;

/** Returns `id` if it is a plain run id; otherwise (a `/`, `..`, anything else) throws RunIdError naming `where`. */
export function checkRunId(id: string, where: string): string {
  if (typeof id !== 'string' || !RUN_ID_PATTERN.test(id)) throw new RunIdError(where, 'a run id (12 hex digits, a line of run-ids.txt)', JSON.stringify(id));
  return id;
}

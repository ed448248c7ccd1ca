import { withLock } from '@sugar-lab/core';

/**
 * Runs `fn` holding an exclusive lock file, so that parallel runs that all load CIFAR-10 on a fresh machine
 * download it once instead of writing into the same `.part` file. The lock is core's (`withLock`): a lock
 * whose owner process is gone, or another host's lock with an old heartbeat, is taken over.
 */
export function withFileLock<T>(lockFile: string, fn: () => Promise<T>, pollMs = 250): Promise<T> {
  return withLock(lockFile, fn, { pollMs, what: `download lock ${lockFile}` });
}

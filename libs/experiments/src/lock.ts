import * as fs from 'node:fs';
import * as os from 'node:os';
import { isProcessAlive } from '@sugar-lab/core';
import { LockError } from './errors';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/**
 * Takes an exclusive lock file (O_EXCL). A lock left by a dead process on this host is taken over;
 * one held by a live process, or by another host (a shared cluster filesystem), is refused.
 * Returns the release function.
 */
export function acquireLock(file: string, what: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      const info: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let info: LockInfo | undefined;
      try {
        info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        info = undefined; // half-written by a process killed mid-write: stale
      }
      const stale = !info || (info.host === os.hostname() && !isProcessAlive(info.pid));
      if (!stale) {
        throw new LockError(
          `${what} is in use by process ${info!.pid} on ${info!.host} since ${info!.since} (lock file ${file}); wait for it, or delete the lock file if that process is gone`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new LockError(`could not take the lock ${file}`);
}

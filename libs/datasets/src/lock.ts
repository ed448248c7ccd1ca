import * as fs from 'node:fs';
import { isProcessAlive } from '@sugar-lab/core';

// Stale: the owner process is gone, or the file never got its pid (a crash right after creating it).
function stale(lockFile: string): boolean {
  try {
    const owner = Number(fs.readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(owner) && owner > 0) return owner !== process.pid && !isProcessAlive(owner);
    return Date.now() - fs.statSync(lockFile).mtimeMs > 10_000;
  } catch {
    return false; // released meanwhile: the next open decides
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding an exclusive lock file, so that parallel runs that all load CIFAR-10 on a fresh machine
 * download it once instead of writing into the same `.part` file. A lock whose owner process is gone is
 * taken over.
 */
export async function withFileLock<T>(lockFile: string, fn: () => Promise<T>, pollMs = 250): Promise<T> {
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (stale(lockFile)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      await sleep(pollMs);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

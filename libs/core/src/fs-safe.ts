import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileWriteError } from './errors';
import { checkWriteFence } from './write-fence';

/**
 * fsyncs a directory so a rename in it survives a power cut; a no-op where the file system cannot.
 *
 * @param dir the directory whose entries to make durable
 */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes every byte of `bytes` to `fd`, or throws: a nearly full disk answers a large write with a short count, not
 * ENOSPC. `file` (the fd's path) is what the write fence checks.
 *
 * @param fd an open file descriptor
 * @param bytes what to write (a string is written as UTF-8)
 * @param file the descriptor's path, for the write fence and error messages
 */
export function writeAllSync(fd: number, bytes: Uint8Array | string, file = ''): void {
  checkWriteFence(file);
  if (typeof bytes === 'string') bytes = Buffer.from(bytes);
  for (let at = 0; at < bytes.length;) {
    const n = fs.writeSync(fd, bytes, at, bytes.length - at);
    if (n <= 0) throw Object.assign(new Error(`wrote ${at} of ${bytes.length} bytes`), { code: 'ENOSPC' });
    at += n;
  }
}

/**
 * The error of a failed write to `file` (an fs error, or writeAllSync's short write), naming the file, the errno and
 * `kept`: what is there now (default: the previous file as it was, or nothing). Anything else (a write fence's
 * refusal, a FileWriteError already) is returned as it is.
 *
 * @param file the file that was being written
 * @param err what the write threw
 * @param kept what is on disk now, in words (default: the previous file, or nothing)
 */
export function fileWriteError(file: string, err: unknown, kept?: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof FileWriteError || !(err instanceof Error) || typeof e.code !== 'string') return err;
  kept ??= fs.existsSync(file) ? `the previous ${path.basename(file)} is kept as it was` : 'nothing was written in its place';
  const detail = e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message; // node's own 'ENOSPC: ...'
  return new FileWriteError(file, e.code, `could not write ${file}: ${e.code} (${detail}); ${kept}`);
}

/**
 * Writes a file so that readers (and a process killed mid-write) see the old content or the new one,
 * never a part: a temp file in the same directory, every byte written, fsync, rename, fsync the directory.
 * A failure (ENOSPC, EACCES, EIO...) throws a FileWriteError naming the file and what was kept.
 *
 * @param file the file to replace or create
 * @param data its whole new content (a string is written as UTF-8)
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  // Named per writer (pid + random): two hosts on a shared file system may run the same pid.
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    checkWriteFence(file);
    fs.mkdirSync(dir, { recursive: true });
    fd = fs.openSync(tmp, 'wx');
    writeAllSync(fd, data, file);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    checkWriteFence(file); // the fsync may take long: the file appears only if writing is still allowed
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true }); // our own temp file (a full disk, say): nobody else's
    } catch {
      // The directory may not exist or be reachable at all; the first error is the one to report.
    }
    throw fileWriteError(file, err);
  }
  fsyncDir(dir);
}

/**
 * Whether a process with this pid exists on this host (lock files use it to spot stale owners).
 *
 * @param pid the process id to look for
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

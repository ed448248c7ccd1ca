import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** A 64 KiB tmpfs at `dir` (root only: CI runs as root); undefined where mounting is not allowed. */
export function tinyDisk(dir: string): (() => void) | undefined {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => execFileSync('umount', [dir]);
}

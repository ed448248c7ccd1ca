import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** A tmpfs of `size` (default 64 KiB) at `dir` (root only: CI runs as root); undefined where mounting is not allowed. */
export function tinyDisk(dir: string, size = '64k'): (() => void) | undefined {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => execFileSync('umount', [dir]);
}

/** Gives the tiny disk at `dir` a new size (a user who made room), keeping what is on it. */
export function resizeDisk(dir: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir]);
}

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive } from '@sugar-lab/core';

/**
 * Temporary checkpoint directories, one per writer: `.tmp-<name>-<pid>-<random>` holding an OWNER
 * file (host, pid, time). A writer removes only its own; another writer's is left alone, because
 * it may be writing right now (two processes on one directory, or one on another node of a shared
 * file system).
 */
export const TEMP_PREFIX = '.tmp-';
const OWNER_FILE = 'OWNER';
/** A dead writer's temp directory is swept only once it is this old (ms). */
export const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

interface TempOwner {
  host: string;
  pid: number;
  createdAt: string;
}

/** Creates this writer's temp directory for checkpoint `name` in `root`. */
export function createTempDir(root: string, name: string): string {
  const dir = path.join(root, `${TEMP_PREFIX}${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir);
  const owner: TempOwner = { host: os.hostname(), pid: process.pid, createdAt: new Date().toISOString() };
  try {
    fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner) + '\n');
  } catch (err) {
    removeOwnTempDir(dir); // a full disk: not even its OWNER fits, and the directory is ours alone
    throw err;
  }
  return dir;
}

/** Removes a temp directory this writer created (after a failed write). */
export function removeOwnTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

function mtimeMs(dir: string): number {
  try {
    return fs.statSync(dir).mtimeMs;
  } catch {
    return Infinity; // gone meanwhile
  }
}

function readOwner(dir: string): TempOwner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as TempOwner;
    return typeof o.host === 'string' && Number.isInteger(o.pid) && !Number.isNaN(Date.parse(o.createdAt)) ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes temp directories left by a writer that was killed mid-save: only those whose OWNER names
 * this host, a pid that no longer runs, and a time over an hour ago. Anything else (another host's,
 * a live writer's, a younger one without a readable OWNER) stays: we cannot tell it is abandoned.
 */
export function sweepStaleTempDirs(root: string, now = Date.now()): string[] {
  const removed: string[] = [];
  const host = os.hostname();
  for (const n of fs.readdirSync(root)) {
    if (!n.startsWith(TEMP_PREFIX)) continue;
    const dir = path.join(root, n);
    const owner = readOwner(dir);
    if (owner) {
      if (owner.host !== host || owner.pid === process.pid || isProcessAlive(owner.pid)) continue;
      if (now - Date.parse(owner.createdAt) < STALE_TEMP_AGE_MS) continue;
    } else if (now - mtimeMs(dir) < STALE_TEMP_AGE_MS) {
      // A writer writes OWNER right after mkdir: one still without it an hour later was killed in between.
      continue;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

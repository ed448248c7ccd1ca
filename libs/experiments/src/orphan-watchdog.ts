import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { setWriteFence, type LockOwner } from '@sugar-lab/core';
import { readJSON } from './atomic';
import { LockError } from './errors';
import { runFiles } from './store';

// Runs on a thread of its own, so it acts even while the main thread is inside a long synchronous step (where the
// IPC channel's 'disconnect' cannot be delivered): when the parent is gone (the process re-parented), SIGKILL.
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL'); }, workerData.everyMs);
`;

/** The runner's pid, as this process saw it at its start. */
let runnerPid: number | undefined;
/** The run directories this worker trains in (fenceRunWrites). */
let runDirs: string[] = [];

/**
 * Makes this process die with its parent (a sweep worker with its runner): a runner killed with SIGKILL, or one
 * that exits on a second Ctrl-C while this process computes, must not leave it training and writing without the
 * run's lock. A thread checks every `everyMs` (default 200 ms; it does not keep the process alive), and so does
 * every write this process makes, right before it (core's write fence): a write in between the thread's checks
 * ends the process instead of happening.
 */
export function dieWithParent(everyMs = 200): void {
  runnerPid = process.ppid;
  const w = new Worker(WATCHDOG, { eval: true, workerData: { ppid: runnerPid, pid: process.pid, everyMs } });
  w.unref();
  setWriteFence(fence);
}

/**
 * Writes into `dirs` (the unit's run directories) only while the runner holds each run's lock: a lock taken over by
 * another process (its heartbeat went stale, someone removed it) fails the write with the holder named.
 */
export function fenceRunWrites(dirs: string[]): void {
  runDirs = dirs.map((d) => path.resolve(d));
}

function fence(file: string): void {
  if (process.ppid !== runnerPid) {
    process.kill(process.pid, 'SIGKILL'); // delivered before this call returns: the write below never starts
    throw new LockError(`not writing ${file}: this worker's runner (process ${runnerPid}) is gone`);
  }
  const dir = runDirs.find((d) => path.resolve(file).startsWith(d + path.sep));
  if (!dir) return;
  const lock = runFiles(dir).lock;
  const holder = readJSON<LockOwner>(lock);
  if (holder?.pid === runnerPid && holder.host === os.hostname()) return;
  const now = holder ? `process ${holder.pid} on ${holder.host}` : 'nobody';
  throw new LockError(`not writing ${file}: the run's lock ${lock} is no longer this worker's runner's (process ${runnerPid}) but ${now}'s`);
}

import { Worker } from 'node:worker_threads';

// Runs on a thread of its own, so it acts even while the main thread is inside a long synchronous step (where the
// IPC channel's 'disconnect' cannot be delivered): when the parent is gone (the process re-parented), SIGKILL.
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, 'SIGKILL'); }, workerData.everyMs);
`;

/**
 * Makes this process die with its parent (a sweep worker with its runner): a runner killed with SIGKILL, or one
 * that exits on a second Ctrl-C while this process computes, must not leave it training and writing without the
 * run's lock. Checks every `everyMs` (default 200 ms); the thread does not keep the process alive.
 */
export function dieWithParent(everyMs = 200): void {
  const w = new Worker(WATCHDOG, { eval: true, workerData: { ppid: process.ppid, pid: process.pid, everyMs } });
  w.unref();
}

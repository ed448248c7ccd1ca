import { SugarError } from './errors';

/**
 * The program that hosts sugar-lab's long calls, when it is more than a script: a notebook kernel (its interrupt
 * button, its in-place displays) or a sweep worker (its runner's "stop now"). Libraries never handle signals; they
 * read the host's interrupt and display from here. Kept on `globalThis` under a registry symbol, so every copy of
 * this lib loaded in one process (a notebook's and a dependency's) sees the same host.
 */

/**
 * Rich output for the current notebook cell: Jupyter's display_data, or update_display_data of the same `id`.
 *
 * @param data the output by MIME type (`'text/html'`, `'text/plain'`), each a string
 * @param opts `id` names the display so later calls can replace it; `update` true replaces the display of that id
 *   instead of adding one
 */
export type HostDisplay = (data: Record<string, unknown>, opts: { id: string; update: boolean }) => void;

export interface Host {
  /**
   * Aborted when the user interrupts: fit, fitPacked, runSweep and the other long calls stop at their next step
   * boundary (their runs recorded as interrupted, with their checkpoints) and throw InterruptedError.
   */
  interrupt?: AbortSignal;
  /** Where progress displays go instead of stderr lines (a notebook cell). */
  display?: HostDisplay;
}

interface HostState {
  host: Host;
  /** How many interruptible calls are running now: the kernel lets them wind down instead of abandoning the cell. */
  active: number;
}

const KEY = Symbol.for('sugar-lab.host');

function state(): HostState {
  const g = globalThis as { [KEY]?: HostState };
  return (g[KEY] ??= { host: {}, active: 0 });
}

/**
 * Installs the host (a kernel per cell, a worker once); `undefined` goes back to none.
 *
 * @param host the host to install, or undefined for none
 */
export function setHost(host: Host | undefined): void {
  state().host = host ?? {};
}

/** The current host; `{}` in a plain script. */
export function currentHost(): Host {
  return state().host;
}

/** Whether the host asked the running call to stop. */
export function hostInterrupted(): boolean {
  return state().host.interrupt?.aborted ?? false;
}

/** How many interruptible calls are running (see `interruptible`). */
export function activeInterruptible(): number {
  return state().active;
}

/** A long call stopped by the host's interrupt; what it had done is kept (checkpoints, results on disk). */
export class InterruptedError extends SugarError {}

/**
 * Runs a long call as one the host may interrupt: it is counted as running (so a kernel waits for it to reach its
 * next step boundary rather than abandoning the cell), and if the host's interrupt came while it ran, it throws
 * InterruptedError with `stopped(result)`'s account of what was kept, after the call has wound down.
 *
 * @param fn the long call
 * @param stopped what was kept when the host interrupted it, in words, from `fn`'s result
 */
export async function interruptible<T>(fn: () => Promise<T>, stopped: (result: T) => string): Promise<T> {
  const s = state();
  s.active++;
  let result: T;
  try {
    result = await fn();
  } finally {
    s.active--;
  }
  if (hostInterrupted()) throw new InterruptedError(stopped(result));
  return result;
}

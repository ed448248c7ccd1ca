import type { PlannedRun } from './grid';
import type { RunSummary } from './store';

/** Messages between the sweep runner and its worker processes (over the fork IPC channel). */
export type ToWorker =
  | { type: 'run'; run: PlannedRun; dir: string; backend?: 'tensorflow' | 'wasm' | 'cpu' }
  /** Runs trained as one pack (runPack); each member is reported on its own, as if it were a run. */
  | { type: 'pack'; runs: PlannedRun[]; dirs: string[]; backend?: 'tensorflow' | 'wasm' | 'cpu' }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'epoch'; id: string; epoch: number; epochs: number; metrics: Record<string, unknown> }
  | { type: 'done'; id: string; summary: RunSummary }
  | { type: 'interrupted'; id: string }
  | { type: 'error'; id: string; error: string };
